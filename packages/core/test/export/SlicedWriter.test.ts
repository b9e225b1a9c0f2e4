import { drainAll, drainSliced, SlicedWriter, type SlicedWork } from '../../src/export/SlicedWriter';

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** Writes `lines` lines, spinning `msPerLine` on each, yielding whenever the writer says the slice is spent. */
function* work(w: SlicedWriter, lines: number, msPerLine: number): SlicedWork {
  for (let i = 0; i < lines; i++) {
    if (w.isOverBudget()) yield;
    spin(msPerLine);
    w.write(`line ${i}\n`);
  }
}

function setup(budgetMs: number) {
  const chunks: string[] = [];
  const writer = new SlicedWriter((c) => chunks.push(c), budgetMs);
  return { chunks, writer };
}

describe('SlicedWriter', () => {
  it('hands on every line in order, whatever the slicing', async () => {
    const expected = Array.from({ length: 40 }, (_, i) => `line ${i}\n`).join('');
    const sliced = setup(2);
    await drainSliced(work(sliced.writer, 40, 0.2), sliced.writer);
    const whole = setup(Infinity);
    drainAll(work(whole.writer, 40, 0), whole.writer);
    expect(sliced.chunks.join('')).toBe(expected);
    expect(whole.chunks.join('')).toBe(expected);
  });

  it('counts its slices and keeps the longest', async () => {
    const { writer } = setup(3);
    await drainSliced(work(writer, 20, 1), writer); // ~20 ms of work in slices of ~3 ms
    const { slices, longestMs, longestCpuMs } = writer.stats;
    expect(slices).toBeGreaterThanOrEqual(4);
    expect(longestMs).toBeGreaterThanOrEqual(3); // a slice runs until its budget is spent
    if (!Number.isNaN(longestCpuMs)) expect(longestCpuMs).toBeGreaterThan(0);
  });

  it('reports a single slice when nothing yields', async () => {
    const { writer } = setup(Infinity);
    await drainSliced(work(writer, 5, 0), writer);
    expect(writer.stats.slices).toBe(1);
  });
});
