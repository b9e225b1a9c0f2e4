import { EventLoopCollector } from '../../src/collectors/EventLoopCollector';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('EventLoopCollector', () => {
  let collectors: EventLoopCollector[] = [];
  afterEach(() => {
    for (const c of collectors) c.stop();
    collectors = [];
  });
  function setup(resolutionMs = 10) {
    const c = new EventLoopCollector(resolutionMs);
    collectors.push(c);
    return c;
  }

  it('reports a max delay near the block and high utilization when the loop is blocked for 200 ms', async () => {
    const c = setup();
    await sleep(50);
    c.collect();
    await sleep(30);
    const start = Date.now();
    while (Date.now() - start < 200) {
      // block the event loop
    }
    await sleep(50);
    c.collect();
    const e = c.eventLoop!;
    expect(e.max).toBeGreaterThan(0.15);
    expect(e.max).toBeLessThan(1);
    expect(e.p99).toBeGreaterThan(0.15);
    expect(e.utilization).toBeGreaterThan(0.5);
  });

  it('subtracts the timer resolution so an idle loop shows a small delay, not 10 ms', async () => {
    const c = setup(10);
    c.collect();
    await sleep(200);
    c.collect();
    expect(c.eventLoop!.p50).toBeLessThan(0.005);
    expect(c.eventLoop!.p50).toBeGreaterThanOrEqual(0);
    expect(c.eventLoop!.utilization).toBeLessThan(0.5);
  });
});
