/**
 * An exported counter fed by a kernel counter whose source can change or go back, that never decreases. The first
 * reading is taken as it is (the kernel's total), and so is every later one until something happens: a reading from
 * another source than the last (the cgroup whose CPU quota binds changed: a quota set or removed at run time) adds
 * nothing, the new source counting from its value at the switch, because what it counted before belongs to another
 * cgroup; a reading below the last from the same source (the cgroup was removed and created again) adds the whole
 * reading, as Prometheus reads a counter reset. An undefined reading (figure left out), or one no counter can have
 * (negative, NaN, infinite), gives undefined and leaves the state as it was.
 * Kept as an offset to the reading, so a counter nothing happened to is the kernel's figure to the last bit.
 */
export class MonotonicCounter {
  private source: string | undefined;
  private last: number | undefined;
  private offset = 0;

  /** The exported total after reading `value` from `source`; undefined when `value` is (or is no count). */
  update(source: string, value: number | undefined): number | undefined {
    if (value === undefined || !Number.isFinite(value) || value < 0) return undefined;
    if (this.last !== undefined) {
      if (source !== this.source) this.offset += this.last - value;
      else if (value < this.last) this.offset += this.last;
    }
    this.source = source;
    this.last = value;
    return value + this.offset;
  }
}
