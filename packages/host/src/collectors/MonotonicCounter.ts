/**
 * An exported counter fed by a kernel counter whose source can change or go back, that never decreases. The first
 * reading is taken as it is (the kernel's total), and so is every later one until something happens: a reading from
 * another source than the last (the cgroup whose CPU quota binds changed: a quota set or removed at run time) adds
 * nothing, the new source counting from its value at the switch, because what it counted before belongs to another
 * cgroup; a reading below the last from the same source (the cgroup was removed and created again) adds the whole
 * reading, as Prometheus reads a counter reset. An undefined reading (figure left out), or one no counter can have
 * (negative, NaN, infinite), gives undefined and leaves the state as it was.
 * Kept as the total at the last switch or reset plus the reading's rise since then, so a counter nothing happened to
 * is the kernel's figure to the last bit, and no rounding can take the total below what it was: an offset added to
 * the reading could, past 2^53 (`offset = last - value` rounds to an even integer there).
 */
export class MonotonicCounter {
  private source: string | undefined;
  private last: number | undefined;
  /** The exported total at the last switch or reset (0 before any). */
  private base = 0;
  /** The source's reading that {@link base} stands for (its value at a switch, 0 after a reset). */
  private start = 0;

  /** The exported total after reading `value` from `source`; undefined when `value` is (or is no count). */
  update(source: string, value: number | undefined): number | undefined {
    if (value === undefined || !Number.isFinite(value) || value < 0) return undefined;
    if (this.last !== undefined && (source !== this.source || value < this.last)) {
      this.base += this.last - this.start;
      this.start = source !== this.source ? value : 0;
    }
    this.source = source;
    this.last = value;
    return this.base + (value - this.start);
  }
}
