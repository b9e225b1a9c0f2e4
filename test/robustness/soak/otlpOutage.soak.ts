import { startExample, type StartedExample } from '../../helpers';
import { parseExposition, samplesOf, valueOf } from '../helpers/expositionParser';
import { rssOf, slope } from '../helpers/memory';
import { numberOf, OtlpReceiver, pointsOf } from '../helpers/OtlpReceiver';
import { METRICS } from '@perfkit/core';

/**
 * `npm run test:soak`: the example pushes OTLP every second to a receiver that answers 500 for
 * PERFKIT_OUTAGE_SECONDS (default 120) after a 60 s warm-up. Stated bounds: the service answers every scrape,
 * `perfkit_dropped_measurements_total{reason="export_failed"}` rises, the floor of the heap it reports
 * (`nodejs_memory_heap_used_bytes`, lowest sample of each 20 s window) has a least-squares slope below
 * HEAP_FLOOR_SLOPE_BOUND_MB_PER_MIN during the outage, RSS grows less than RSS_SLOPE_BOUND_MB_PER_MIN (RSS moves in allocator steps of ~10 MB, so this only
 * catches gross growth), and the first export after the outage carries at least every operation counted before
 * it ended. A fixture measured the same with 200 and with 500 answers: the settled heap stays flat in both.
 */
const OUTAGE_SECONDS = Number(process.env.PERFKIT_OUTAGE_SECONDS ?? 120);
const WARM_UP_SECONDS = 60;
const RSS_SLOPE_BOUND_MB_PER_MIN = 40;
const HEAP_FLOOR_SLOPE_BOUND_MB_PER_MIN = 3;
const WINDOW_SECONDS = 20;
const SMALL_HISTORY = { PERFKIT_DASHBOARD_MEMORY_BUDGET_BYTES: String(64 * 1024) };

let example: StartedExample | undefined;
const receiver = new OtlpReceiver();
afterAll(async () => {
  await example?.stop();
  await receiver.stop();
});

const dropped = METRICS.droppedMeasurements.prom;
const durationCount = `${METRICS.operationDuration.prom}_count`;

async function scrape(url: string) {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return parseExposition(await res.text());
}

describe('the example through a long OTLP outage', () => {
  it(`keeps serving, counts the drops, stays flat in memory and delivers every count after ${OUTAGE_SECONDS} s of 500s`, async () => {
    await receiver.start();
    // The dashboard's history is meant to grow up to its memory budget (16 MB by default); a tiny budget fills at
    // once, so what remains is growth nobody meant.
    example = await startExample({ traffic: 50, otlpUrl: receiver.url, otlpIntervalMs: 1000, env: SMALL_HISTORY });
    const pid = example.ready.pid;
    await new Promise((r) => setTimeout(r, WARM_UP_SECONDS * 1000));
    await receiver.setMode({ kind: 'status', status: 500 });
    const before = await scrape(example.metrics);
    const rss: Array<[number, number]> = [];
    const heap: Array<[number, number]> = [];
    const t0 = Date.now();
    while (Date.now() - t0 < OUTAGE_SECONDS * 1000) {
      const exp = await scrape(example.metrics);
      const t = (Date.now() - t0) / 1000;
      const used = valueOf(exp, 'nodejs_memory_heap_used_bytes');
      if (used !== undefined) heap.push([t, used / 1e6]);
      const bytes = rssOf(pid);
      if (bytes !== undefined) rss.push([t, bytes / 1e6]);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const floors: Array<[number, number]> = [];
    for (let from = 0; from + WINDOW_SECONDS <= OUTAGE_SECONDS; from += WINDOW_SECONDS) {
      const window = heap.filter(([t]) => t >= from && t < from + WINDOW_SECONDS).map(([, mb]) => mb);
      if (window.length) floors.push([from, Math.min(...window)]);
    }
    const floorSlope = slope(floors) * 60;
    const during = await scrape(example.metrics);
    const countedBeforeRecovery = samplesOf(during, durationCount).reduce((n, s) => n + s.value, 0);
    const recoveredAt = Date.now();
    await receiver.setMode({ kind: 'ok' });
    const back = await receiver.waitFor((r) => r.at >= recoveredAt && r.status === 200, 10_000);
    const exported = pointsOf(back.body, METRICS.operationDuration.otel).reduce((n, p) => n + numberOf(p), 0);
    const rssSlope = slope(rss) * 60;
    const droppedDuring = (valueOf(during, dropped, { reason: 'export_failed' }) ?? 0) - (valueOf(before, dropped, { reason: 'export_failed' }) ?? 0);
    process.stdout.write(
      `[robustness] OTLP outage ${OUTAGE_SECONDS} s: ${droppedDuring} data points counted as dropped, RSS slope ${rssSlope.toFixed(2)} MB/min, heap floor slope ${floorSlope.toFixed(2)} MB/min, ` +
        `first export after recovery carries ${exported} operations (${countedBeforeRecovery} counted before it)\n`,
    );
    expect(droppedDuring).toBeGreaterThan(0);
    expect(rssSlope).toBeLessThan(RSS_SLOPE_BOUND_MB_PER_MIN);
    expect(floors.length).toBeGreaterThanOrEqual(3);
    expect(floorSlope).toBeLessThan(HEAP_FLOOR_SLOPE_BOUND_MB_PER_MIN);
    expect(exported).toBeGreaterThanOrEqual(countedBeforeRecovery);
    expect(await example.stop()).toBe(0);
  }, (WARM_UP_SECONDS + OUTAGE_SECONDS + 120) * 1000);
});
