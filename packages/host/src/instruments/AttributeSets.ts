/**
 * The attribute objects of one group's series, made once per series and handed to every collection after that: a
 * scrape then allocates no attribute objects, and the SDK hands the same object back on each data point, so a
 * serializer can recognise a series it has written before. Keyed by the series' identifying values; a set not
 * used in the last collection is forgotten (interfaces and mounts come and go), so the cache holds what is live.
 */
export class AttributeSets<S, T> {
  private current = new Map<string, T>();
  private previous = new Map<string, T>();

  constructor(private readonly make: (source: S) => T) {}

  /** The sets for `key`, made from `source` on first use. */
  get(key: string, source: S): T {
    let sets = this.current.get(key);
    if (sets === undefined) {
      sets = this.previous.get(key) ?? this.make(source);
      this.current.set(key, sets);
    }
    return sets;
  }

  /** Ends one collection: sets it did not use are dropped. */
  turn(): void {
    if (this.previous.size === 0 && this.current.size === 0) return;
    this.previous = this.current;
    this.current = new Map();
  }
}
