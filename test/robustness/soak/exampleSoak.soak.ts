import { startExample, type StartedExample } from '../../helpers';
import { parseExposition, valueOf } from '../helpers/expositionParser';
import { rssOf, slope } from '../helpers/memory';
import { OtlpReceiver } from '../helpers/OtlpReceiver';

/**
 * The soak of `npm run test:soak`: the example model service under its steady self-driven traffic, scraped
 * once a second and pushing OTLP, for PERFKIT_SOAK_SECONDS (default 180). RSS is read from /proc every second.
 * Stated bounds, over the samples after the first third (warm-up):
 * - RSS least-squares slope below RSS_SLOPE_BOUND_MB_PER_MIN;
 * - the floor of nodejs_memory_heap_used_bytes (the lowest sample of each third, i.e. after a GC) rises by less
 *   than HEAP_FLOOR_GROWTH_BOUND_MB from the middle third to the last.
 */
const SECONDS = Number(process.env.PERFKIT_SOAK_SECONDS ?? 180);
const TRAFFIC_PER_SECOND = 50;
const RSS_SLOPE_BOUND_MB_PER_MIN = 10;
const HEAP_FLOOR_GROWTH_BOUND_MB = 5;

let example: StartedExample | undefined;
const receiver = new OtlpReceiver();
afterAll(async () => {
  await example?.stop();
  await receiver.stop();
});

describe('soak of the example service', () => {
  it(`shows no RSS or heap growth trend under ${TRAFFIC_PER_SECOND} requests/s for ${SECONDS} s`, async () => {
    await receiver.start();
    example = await startExample({ traffic: TRAFFIC_PER_SECOND, otlpUrl: receiver.url, otlpIntervalMs: 1000 });
    const pid = example.ready.pid;
    const rss: Array<[number, number]> = [];
    const heap: Array<[number, number]> = [];
    let scrapes = 0;
    const t0 = Date.now();
    while (Date.now() - t0 < SECONDS * 1000) {
      const res = await fetch(example.metrics);
      expect(res.status).toBe(200);
      const text = await res.text();
      const t = (Date.now() - t0) / 1000;
      if (scrapes++ % 10 === 0) {
        const used = valueOf(parseExposition(text), 'nodejs_memory_heap_used_bytes');
        if (used !== undefined) heap.push([t, used / 1e6]);
      } else {
        const line = text.split('\n').find((l) => l.startsWith('nodejs_memory_heap_used_bytes'));
        if (line) heap.push([t, Number(line.split(' ').pop()) / 1e6]);
      }
      const bytes = rssOf(pid);
      if (bytes !== undefined) rss.push([t, bytes / 1e6]);
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(await example.stop()).toBe(0);

    const third = SECONDS / 3;
    const rssSlope = slope(rss.filter(([t]) => t >= third)) * 60;
    const floor = (from: number, to: number) => Math.min(...heap.filter(([t]) => t >= from && t < to).map(([, mb]) => mb));
    const floorGrowth = heap.length ? floor(2 * third, Infinity) - floor(third, 2 * third) : NaN;
    const exports = receiver.requests.filter((r) => r.status === 200).length;
    process.stdout.write(
      `[robustness] example soak ${SECONDS} s: RSS ${rss[0]?.[1].toFixed(0)} -> ${rss[rss.length - 1]?.[1].toFixed(0)} MB, ` +
        `slope after warm-up ${rssSlope.toFixed(2)} MB/min; heap floor growth ${floorGrowth.toFixed(2)} MB; ${scrapes} scrapes, ${exports} OTLP exports\n`,
    );
    expect(exports).toBeGreaterThan(SECONDS / 2);
    expect(rssSlope).toBeLessThan(RSS_SLOPE_BOUND_MB_PER_MIN);
    if (heap.length) expect(floorGrowth).toBeLessThan(HEAP_FLOOR_GROWTH_BOUND_MB);
  }, (SECONDS + 120) * 1000);
});
