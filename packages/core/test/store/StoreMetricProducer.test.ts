import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPerfkit } from '@perfkit/core';

/** A real OTLP/HTTP receiver: the official exporter sends JSON-encoded ExportMetricsServiceRequest bodies. */
async function setup() {
  const bodies: any[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`;
  return { bodies, url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('StoreMetricProducer over OTLP', () => {
  it('pushes the store as cumulative histograms and sums with the resource, flushing on shutdown', async () => {
    const rx = await setup();
    const perf = createPerfkit({
      serviceName: 'otlp-svc',
      prometheus: false,
      logLevel: 'none',
      otlp: { url: rx.url, intervalMs: 60_000, headers: { authorization: 'Bearer t' } },
    });
    perf.operation('download', 'w').track((op) => op.addBytes(2048));
    perf.operation('download', 'w').record(0.3, { outcome: 'failure', errorType: 'Timeout' });
    await perf.shutdown();
    await rx.close();

    expect(rx.bodies.length).toBeGreaterThanOrEqual(1);
    const { headers, body } = rx.bodies[rx.bodies.length - 1];
    expect(headers.authorization).toBe('Bearer t');
    const rm = body.resourceMetrics[0];
    const resource = Object.fromEntries(rm.resource.attributes.map((a: any) => [a.key, a.value.stringValue]));
    expect(resource['service.name']).toBe('otlp-svc');
    const metrics = rm.scopeMetrics.flatMap((s: any) => s.metrics);
    const duration = metrics.find((m: any) => m.name === 'perfkit.operation.duration');
    expect(duration.unit).toBe('s');
    expect(duration.histogram.aggregationTemporality).toBe(2); // CUMULATIVE
    const failure = duration.histogram.dataPoints.find((p: any) => p.attributes.some((a: any) => a.key === 'error.type'));
    expect(Number(failure.count)).toBe(1);
    expect(failure.sum).toBeCloseTo(0.3);
    expect(failure.explicitBounds).toEqual([0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600]);
    const bytes = metrics.find((m: any) => m.name === 'perfkit.download.bytes');
    expect(bytes.sum.isMonotonic).toBe(true);
    expect(bytes.sum.dataPoints[0].asDouble).toBe(2048);
  });

  it('counts the data points of failed exports as dropped and keeps running', async () => {
    const perf = createPerfkit({ prometheus: false, logLevel: 'none', otlp: { url: 'http://127.0.0.1:9/v1/metrics', intervalMs: 60_000, timeoutMs: 1000 } });
    perf.trackOperation('download', 'w', () => 0);
    await perf.forceFlush();
    expect(perf.exportStatus().otlp.failed).toBeGreaterThanOrEqual(1);
    expect(perf.snapshot().drops.export_failed).toBeGreaterThan(0);
    expect(perf.trackOperation('download', 'w', () => 'still works')).toBe('still works');
    await perf.shutdown();
  });
});

describe('StoreMetricProducer histogram points (mutation testing, issue 18)', () => {
  it('sends every bucket count, +Inf last, with sum and count worked out by hand', async () => {
    const rx = await setup();
    const perf = createPerfkit({ prometheus: false, logLevel: 'none', otlp: { url: rx.url, intervalMs: 60_000 } });
    const op = perf.operation('download', 'edges');
    // Default bounds 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600 (+Inf).
    for (const seconds of [0.1, 0.25, 0.3, 600, 700, 1000]) op.record(seconds);
    await perf.shutdown();
    await rx.close();

    const { body } = rx.bodies[rx.bodies.length - 1];
    const metrics = body.resourceMetrics[0].scopeMetrics.flatMap((s: any) => s.metrics);
    const points = metrics.find((m: any) => m.name === 'perfkit.operation.duration').histogram.dataPoints;
    const point = points.find((p: any) => p.attributes.some((a: any) => a.key === 'operation.name' && a.value.stringValue === 'edges'));
    const attrs = Object.fromEntries(point.attributes.map((a: any) => [a.key, a.value.stringValue]));
    expect(attrs).toMatchObject({ 'operation.type': 'download', 'operation.name': 'edges', 'operation.outcome': 'success' });
    expect(attrs['error.type']).toBeUndefined();
    expect(point.explicitBounds).toEqual([0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600]);
    expect(point.bucketCounts.map(Number)).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2]);
    expect(Number(point.count)).toBe(6);
    expect(point.sum).toBeCloseTo(2300.65, 9);
  });

  it('sends a failure point with its error.type and outcome, apart from the successes', async () => {
    const rx = await setup();
    const perf = createPerfkit({ prometheus: false, logLevel: 'none', otlp: { url: rx.url, intervalMs: 60_000 } });
    const op = perf.operation('download', 'f');
    op.record(0.2, { outcome: 'failure', errorType: 'ETIMEDOUT' });
    op.record(0.2, { outcome: 'failure', errorType: 'ETIMEDOUT' });
    op.record(2);
    await perf.shutdown();
    await rx.close();

    const { body } = rx.bodies[rx.bodies.length - 1];
    const metrics = body.resourceMetrics[0].scopeMetrics.flatMap((s: any) => s.metrics);
    const points = metrics.find((m: any) => m.name === 'perfkit.operation.duration').histogram.dataPoints;
    const byOutcome = (o: string) =>
      points.find((p: any) => p.attributes.some((a: any) => a.key === 'operation.outcome' && a.value.stringValue === o));
    const failure = byOutcome('failure');
    expect(failure.attributes.find((a: any) => a.key === 'error.type').value.stringValue).toBe('ETIMEDOUT');
    expect(failure.bucketCounts.map(Number)).toEqual([0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(failure.sum).toBeCloseTo(0.4, 12);
    expect(byOutcome('success').bucketCounts.map(Number)).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    const dropped = metrics.find((m: any) => m.name === 'perfkit.dropped_measurements');
    expect(dropped.sum.isMonotonic).toBe(true);
    expect(dropped.sum.dataPoints.every((p: any) => Number(p.asDouble ?? p.asInt) === 0)).toBe(true);
  });

  it('sends no operation.outcome attribute for a type whose view leaves the outcome out', async () => {
    const rx = await setup();
    const perf = createPerfkit({
      prometheus: false,
      logLevel: 'none',
      otlp: { url: rx.url, intervalMs: 60_000 },
      views: [{ operationType: 'fallback', attributes: ['operation.type', 'operation.name'] }],
    });
    perf.operation('fallback', 'f').record(0.2);
    perf.operation('fallback', 'f').record(0.2, { outcome: 'failure', errorType: 'ETIMEDOUT' });
    await perf.shutdown();
    await rx.close();

    const { body } = rx.bodies[rx.bodies.length - 1];
    const metrics = body.resourceMetrics[0].scopeMetrics.flatMap((s: any) => s.metrics);
    const points = metrics.find((m: any) => m.name === 'perfkit.operation.duration').histogram.dataPoints;
    // Both records land in one series (no outcome, no error type): its attributes are the type and the name only.
    expect(points).toHaveLength(1);
    expect(points[0].attributes.map((a: any) => `${a.key}=${a.value.stringValue}`).sort()).toEqual(['operation.name=f', 'operation.type=fallback']);
    expect(Number(points[0].count)).toBe(2);
  });
});

describe('StoreMetricProducer figures, gauges, scores and times (mutation testing, issue 18)', () => {
  it('sends counter figures (integrity checks by result), the active gauge, score histograms and the store start time', async () => {
    const rx = await setup();
    const before = Date.now();
    const perf = createPerfkit({ prometheus: false, logLevel: 'none', otlp: { url: rx.url, intervalMs: 60_000 } });
    const running = perf.operation('download', 'run').start();
    perf.operation('download', 'chk').track((op) => {
      op.integrityCheck(true);
      op.integrityCheck(false);
      op.integrityCheck(false);
      op.addBytes(10);
    });
    perf.operation('health_check', 'h').track((op) => {
      op.integrityScore(0.97); // score bounds 0.1 ... 0.95, 0.99, 1: lands in le=0.99
      op.integrityScore(0.1); // on a bound: le=0.1
    });
    await perf.forceFlush();
    running.end();
    await perf.shutdown();
    await rx.close();

    const { body } = rx.bodies[0];
    const metrics = body.resourceMetrics[0].scopeMetrics.flatMap((s: any) => s.metrics);
    const byName = (n: string) => metrics.find((m: any) => m.name === n);
    const attrs = (p: any) => Object.fromEntries(p.attributes.map((a: any) => [a.key, a.value.stringValue]));

    const checks = byName('perfkit.download.integrity_checks').sum;
    expect(checks.isMonotonic).toBe(true);
    const byResult = Object.fromEntries(checks.dataPoints.map((p: any) => [attrs(p)['integrity.result'], p.asDouble]));
    expect(byResult).toEqual({ passed: 1, failed: 2 });
    expect(byName('perfkit.download.bytes').sum.dataPoints.map((p: any) => [attrs(p)['operation.name'], p.asDouble])).toEqual([['chk', 10]]);
    expect(byName('perfkit.operation.retries')).toBeUndefined(); // no handle reported one

    const active = byName('perfkit.operations.active').sum;
    expect(active.isMonotonic).toBe(false);
    expect(active.dataPoints.find((p: any) => attrs(p)['operation.name'] === 'run').asDouble).toBe(1);
    expect(active.dataPoints.find((p: any) => attrs(p)['operation.name'] === 'chk').asDouble).toBe(0);

    const score = byName('perfkit.health_check.integrity_score').histogram.dataPoints[0];
    expect(score.explicitBounds).toEqual([0.1, 0.25, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1]);
    expect(score.bucketCounts.map(Number)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(score.sum).toBeCloseTo(1.07, 12);
    expect(byName('perfkit.fallback.compatibility_score')).toBeUndefined();

    // Cumulative points start when the store started (ms precision carried into nanoseconds) and end now.
    const point = active.dataPoints[0];
    const startMs = Number(BigInt(point.startTimeUnixNano) / 1_000_000n);
    const endMs = Number(BigInt(point.timeUnixNano) / 1_000_000n);
    expect(startMs).toBeGreaterThanOrEqual(before);
    expect(startMs).toBeLessThanOrEqual(endMs);
    expect(endMs).toBeLessThanOrEqual(Date.now());
    expect(Number(BigInt(point.startTimeUnixNano) % 1_000_000n)).toBe(0);
  });
});

describe('StoreMetricProducer scope, drops, min/max and collection errors (mutation testing, issue 18)', () => {
  it('names the instrumentation scope after the package, labels drops by reason, and sends min/max only for non-empty rows', async () => {
    const { diag, DiagLogLevel } = await import('@opentelemetry/api');
    const errors: unknown[][] = [];
    diag.setLogger({ error: (...a: unknown[]) => errors.push(a), warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.ERROR);
    const rx = await setup();
    const perf = createPerfkit({ prometheus: false, logLevel: 'none', otlp: { url: rx.url, intervalMs: 60_000 } });
    perf.operation('download', 'one').record(0.42);
    perf.operation('download', 'idle');
    perf.operation('download', 'one').record(NaN);
    perf.operation('download', 'one').record(-1);
    await perf.shutdown();
    await rx.close();
    diag.disable();

    const { body } = rx.bodies[rx.bodies.length - 1];
    const scopes = body.resourceMetrics[0].scopeMetrics;
    const own = scopes.find((s: any) => s.metrics.some((m: any) => m.name === 'perfkit.operation.duration'));
    const { readFileSync } = await import('node:fs');
    const manifest = JSON.parse(readFileSync(require.resolve('../../package.json'), 'utf8'));
    expect(own.scope).toMatchObject({ name: '@perfkit/core', version: manifest.version });

    const metrics = own.metrics;
    const attrs = (p: any) => Object.fromEntries(p.attributes.map((a: any) => [a.key, a.value.stringValue]));
    const dropped = metrics.find((m: any) => m.name === 'perfkit.dropped_measurements').sum.dataPoints;
    expect(Object.fromEntries(dropped.map((p: any) => [attrs(p).reason ?? JSON.stringify(attrs(p)), p.asDouble]))).toMatchObject({
      invalid_value: 2,
      invalid_name: 0,
      unknown_operation_type: 0,
      already_ended: 0,
    });

    const points = metrics.find((m: any) => m.name === 'perfkit.operation.duration').histogram.dataPoints;
    const point = (name: string) => points.find((p: any) => attrs(p)['operation.name'] === name && attrs(p)['operation.outcome'] === 'success');
    expect(point('one')).toMatchObject({ min: 0.42, max: 0.42, sum: 0.42 });
    const idle = point('idle');
    expect(idle.explicitBounds).toEqual([0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600]);
    expect(idle.bucketCounts.map(Number)).toEqual(Array(13).fill(0));
    expect(idle.min).toBeUndefined();
    expect(idle.max).toBeUndefined();
    expect(errors.filter((e) => String(e[0]).includes('collection'))).toEqual([]);
  });
});
