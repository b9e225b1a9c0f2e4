import { startExample, type StartedExample } from '../../helpers';
import { parseExposition, valueOf } from '../helpers/expositionParser';
import { rssOf, slope } from '../helpers/memory';
import { OtlpReceiver } from '../helpers/OtlpReceiver';

/**
 * The soak of `npm run test:soak`: the example model service under its steady self-driven traffic, scraped
 * once a second and pushing OTLP, for PERFKIT_SOAK_SECONDS (default 180). RSS is read from /proc every second.
 * Stated bounds, over the samples after the first third (warm-up):
 * - the floor of nodejs_memory_heap_used_bytes (the lowest sample of each 20 s window, roughly what a GC left)
 *   has a least-squares slope below HEAP_FLOOR_SLOPE_BOUND_MB_PER_MIN;
 * - RSS has a least-squares slope below RSS_SLOPE_BOUND_MB_PER_MIN.
 * Both are coarse: the heap is sampled from outside without forcing a GC (10 s floors ranged 24-38 MB in one run)
 * and RSS moves in allocator steps of ~10 MB (slopes of 0.9, 1.5 and 13.5 MB/min in three runs of the same code).
 * The precise leak check is soak.test.ts, whose service forces a GC before each heap sample.
 */
const SECONDS = Number(process.env.PERFKIT_SOAK_SECONDS ?? 180);
const TRAFFIC_PER_SECOND = 50;
const RSS_SLOPE_BOUND_MB_PER_MIN = 30;
const HEAP_FLOOR_SLOPE_BOUND_MB_PER_MIN = 3;
const WINDOW_SECONDS = 20;
const SMALL_HISTORY = { PERFKIT_DASHBOARD_MEMORY_BUDGET_BYTES: String(64 * 1024) };

let example: StartedExample | undefined;
const receiver = new OtlpReceiver();
afterAll(async () => {
  await example?.stop();
  await receiver.stop();
});

describe('soak of the example service', () => {
  it(`shows no RSS or heap growth trend under ${TRAFFIC_PER_SECOND} requests/s for ${SECONDS} s`, async () => {
    await receiver.start();
    // The dashboard's history is meant to grow up to its memory budget (16 MB by default); a tiny budget fills at
    // once, so what remains is growth nobody meant.
    example = await startExample({ traffic: TRAFFIC_PER_SECOND, otlpUrl: receiver.url, otlpIntervalMs: 1000, env: SMALL_HISTORY });
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
    const floors: Array<[number, number]> = [];
    for (let from = third; from + WINDOW_SECONDS <= SECONDS; from += WINDOW_SECONDS) {
      const window = heap.filter(([t]) => t >= from && t < from + WINDOW_SECONDS).map(([, mb]) => mb);
      if (window.length) floors.push([from, Math.min(...window)]);
    }
    const floorSlope = slope(floors) * 60;
    const exports = receiver.requests.filter((r) => r.status === 200).length;
    process.stdout.write(
      `[robustness] example soak ${SECONDS} s: RSS ${rss[0]?.[1].toFixed(0)} -> ${rss[rss.length - 1]?.[1].toFixed(0)} MB, ` +
        `slope after warm-up ${rssSlope.toFixed(2)} MB/min; heap floors ${floors.map(([, mb]) => mb.toFixed(1)).join(' ')} MB, ` +
        `slope ${floorSlope.toFixed(2)} MB/min; ${scrapes} scrapes, ${exports} OTLP exports\n`,
    );
    expect(exports).toBeGreaterThan(SECONDS / 2);
    expect(rssSlope).toBeLessThan(RSS_SLOPE_BOUND_MB_PER_MIN);
    expect(floors.length).toBeGreaterThanOrEqual(3);
    expect(floorSlope).toBeLessThan(HEAP_FLOOR_SLOPE_BOUND_MB_PER_MIN);
  }, (SECONDS + 120) * 1000);
});
