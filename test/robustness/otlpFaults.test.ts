import { createPerfkit, ATTR, METRICS, type Perfkit } from '@perfkit/core';
import { attributesOf, numberOf, OtlpReceiver, pointsOf, type ReceivedRequest, type ReceiverMode } from './helpers/OtlpReceiver';
import { settledHeapUsed } from './helpers/memory';

/** Stated bounds of this suite. */
const HEAP_GROWTH_BOUND = 16 * 1024 * 1024;
const MAX_CONCURRENT_EXPORTS = 10;
const INTERVAL_MS = 200;
const PHASE_MS = 2000;

const started: Array<{ perf: Perfkit; receiver: OtlpReceiver }> = [];
afterAll(async () => {
  for (const { perf, receiver } of started) {
    await perf.shutdown();
    await receiver.stop();
  }
});

async function setup(otlp: { intervalMs: number; timeoutMs: number }) {
  const receiver = new OtlpReceiver();
  await receiver.start();
  const perf = createPerfkit({ serviceName: 'otlp-faults', prometheus: { port: 0 }, otlp: { url: receiver.url, ...otlp }, logLevel: 'none' });
  await perf.ready();
  started.push({ perf, receiver });
  return { perf, receiver };
}

const durationName = METRICS.operationDuration.otel;
/** The cumulative count the request carries for download/fetch successes. */
function exportedCount(r: ReceivedRequest): number {
  const point = pointsOf(r.body, durationName).find((p) => {
    const a = attributesOf(p);
    return a[ATTR.operationName] === 'fetch' && a[ATTR.outcome] === 'success';
  });
  return point ? numberOf(point) : -1;
}

/** Keeps recording and scraping for `ms`: the service must stay responsive whatever the exporter suffers. */
async function serveFor(perf: Perfkit, ms: number): Promise<number> {
  const op = perf.operation('download', 'fetch');
  const end = Date.now() + ms;
  let recorded = 0;
  while (Date.now() < end) {
    for (let i = 0; i < 20; i++) op.record(0.05);
    recorded += 20;
    const res = await fetch(perf.metricsUrl!);
    expect(res.status).toBe(200);
    await res.text();
    await new Promise((r) => setTimeout(r, 25));
  }
  return recorded;
}

describe('OTLP export faults', () => {
  it('keeps the service running, counts dropped exports, stays flat in memory and delivers every count again when the endpoint fails with 500, 400, slowness and a closed port, then recovers', async () => {
    const { perf, receiver } = await setup({ intervalMs: INTERVAL_MS, timeoutMs: 1000 });
    let total = await serveFor(perf, 300);
    await receiver.waitFor((r) => exportedCount(r) === total, 5000);
    const heapBefore = await settledHeapUsed();

    const faults: ReceiverMode[] = [{ kind: 'status', status: 500 }, { kind: 'status', status: 400 }, { kind: 'slow', delayMs: 3000 }, { kind: 'down' }];
    for (const mode of faults) {
      const droppedBefore = perf.snapshot().drops.export_failed;
      const failedBefore = perf.exportStatus().otlp.failed;
      const since = Date.now();
      await receiver.setMode(mode);
      total += await serveFor(perf, PHASE_MS);
      expect([mode.kind, perf.snapshot().drops.export_failed]).toEqual([mode.kind, expect.any(Number)]);
      expect(perf.snapshot().drops.export_failed).toBeGreaterThan(droppedBefore);
      expect(perf.exportStatus().otlp.failed).toBeGreaterThan(failedBefore);
      // Non-retryable answers are not retried: at most one request per interval (plus slack for timer drift).
      if (mode.kind === 'status') expect(receiver.since(since).length).toBeLessThanOrEqual(PHASE_MS / INTERVAL_MS + 3);
    }
    const heapGrowth = (await settledHeapUsed()) - heapBefore;
    process.stdout.write(
      `[robustness] OTLP faults: ${perf.snapshot().drops.export_failed} data points dropped over ${perf.exportStatus().otlp.failed} failed exports, ` +
        `max ${receiver.maxInFlight} requests in flight, heap ${heapGrowth >= 0 ? '+' : ''}${(heapGrowth / 1e6).toFixed(2)} MB\n`,
    );
    expect(receiver.maxInFlight).toBeLessThanOrEqual(MAX_CONCURRENT_EXPORTS);
    expect(heapGrowth).toBeLessThan(HEAP_GROWTH_BOUND);

    const recoveredAt = Date.now();
    await receiver.setMode({ kind: 'ok' });
    // Cumulative temporality: the first export after recovery carries everything recorded during the outage.
    const back = await receiver.waitFor((r) => r.at >= recoveredAt && r.status === 200 && exportedCount(r) === total, 5000);
    expect(exportedCount(back)).toBe(total);
    // The receiver has answered; the exporter hears of it a moment later (seen: the check ran before it had).
    for (const until = Date.now() + 5000; perf.exportStatus().otlp.lastSuccessAt < recoveredAt && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20));
    expect(perf.exportStatus().otlp.lastSuccessAt).toBeGreaterThanOrEqual(recoveredAt);
  });

  it('retries a retryable answer (503) a bounded number of times with growing back-off, then counts the export as dropped', async () => {
    const { perf, receiver } = await setup({ intervalMs: 60_000, timeoutMs: 6000 });
    perf.operation('download', 'fetch').record(0.1);
    await receiver.setMode({ kind: 'status', status: 503 });
    const since = Date.now();
    await perf.forceFlush();
    const attempts = receiver.since(since).map((r) => r.at);
    process.stdout.write(`[robustness] OTLP 503: ${attempts.length} attempts, gaps ${attempts.slice(1).map((t, i) => t - attempts[i]!).join(', ')} ms\n`);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts.length).toBeLessThanOrEqual(6);
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(700);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThanOrEqual(gaps[i - 1]! * 0.95);
    expect(perf.snapshot().drops.export_failed).toBeGreaterThan(0);
    expect(perf.exportStatus().otlp.lastError).not.toBe('');
    await receiver.setMode({ kind: 'ok' });
  });
});
