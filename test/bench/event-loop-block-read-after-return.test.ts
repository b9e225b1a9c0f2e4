import { maxEventLoopBlock } from '../../bench/src/suites/scrapeSuite';

/**
 * Regression: the bench's event-loop block figures took in what ran after the measurement. maxEventLoopBlock returned
 * the object its tick kept writing, and one tick was still queued when it returned; that tick read the gap after the
 * scrape (the full GC and the next peer's scrape in the scrape suite, the unsliced scrape after the sliced one) into
 * the block already pushed into the figures: perfkit's 10,000-series block read 1.3 s of CPU, an otel scrape's.
 * A hand-driven CPU clock makes it exact: each turn of the scrape advances it by 1, the work after it by 1,000.
 */
describe('maxEventLoopBlock', () => {
  it('keeps the block it returned when work runs after the measurement', async () => {
    let cpu = 0;
    const scrape = async (): Promise<void> => {
      for (let turn = 0; turn < 3; turn++) {
        cpu += 1;
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const block = await maxEventLoopBlock(scrape, 1, { cpu: () => cpu });
    expect(block.cpuMs).toBe(1);
    cpu += 1000; // what the suite runs next
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(block.cpuMs).toBe(1);
  });

  it('reads the longest turn of the scrape itself, its last turn included', async () => {
    let cpu = 0;
    const turns = [2, 5, 3, 7];
    const scrape = async (): Promise<void> => {
      for (const cost of turns) {
        await new Promise((resolve) => setImmediate(resolve));
        cpu += cost;
      }
    };
    const block = await maxEventLoopBlock(scrape, 1, { cpu: () => cpu, sched: () => ({ runDelayMs: 0, switches: 0 }) });
    expect(block.cpuMs).toBe(7);
    expect(Number.isNaN(block.selfMs)).toBe(false);
  });

  it('reads a turn in which the thread never left its CPU as its CPU time, and one in which it did as wall minus run delay', async () => {
    // Hand-driven clocks: turns cost 2, 5, 3 and 7 ms of CPU. Only the 5 ms turn switches the thread out, and its run
    // delay clock goes back 1,000 ms there, so that its wall minus run delay is over 1,000 ms whatever the wall time.
    let cpu = 0;
    let switches = 0;
    let runDelayMs = 0;
    const turns = [2, 5, 3, 7];
    const scrape = async (): Promise<void> => {
      for (const cost of turns) {
        await new Promise((resolve) => setImmediate(resolve));
        cpu += cost;
        if (cost === 5) {
          switches++;
          runDelayMs -= 1000;
        }
      }
    };
    const sched = () => ({ runDelayMs, switches });
    const withSwitch = await maxEventLoopBlock(scrape, 1, { cpu: () => cpu, sched });
    expect(withSwitch.ownMs).toBeGreaterThanOrEqual(1000);

    // Without the switch, the same turns read as their CPU time: the longest is the 7 ms one, whatever the wall time.
    turns[1] = 4;
    const without = await maxEventLoopBlock(scrape, 1, { cpu: () => cpu, sched });
    expect(without.ownMs).toBe(7);
    expect(without.cpuMs).toBe(7);
  });
});
