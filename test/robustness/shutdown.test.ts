import net from 'node:net';
import { createPerfkit, ATTR, METRICS } from '@perfkit/core';
import { exitWithin, startFixture } from './helpers/fixture';
import { attributesOf, numberOf, OtlpReceiver, pointsOf } from './helpers/OtlpReceiver';

const receivers: OtlpReceiver[] = [];
afterAll(async () => {
  for (const r of receivers) await r.stop();
});

async function setup() {
  const receiver = new OtlpReceiver();
  await receiver.start();
  receivers.push(receiver);
  return { receiver };
}

/** Total bytes the export carried (every series of perfkit_download_bytes). */
function exportedBytes(body: Parameters<typeof pointsOf>[0]): number {
  return pointsOf(body, METRICS.downloadBytes.otel).reduce((n, p) => n + numberOf(p), 0);
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('shutdown', () => {
  it('flushes OTLP, closes /metrics, is safe twice and lets a serving child process end by itself without process.exit', async () => {
    const { receiver } = await setup();
    const child = startFixture({ mode: 'serve', otlpUrl: receiver.url, otlpIntervalMs: 60_000, names: 20 });
    const ready = await child.line<{ metrics: string }>('PERFKIT_FIXTURE_READY');
    const port = Number(new URL(ready.metrics).port);
    expect((await fetch(ready.metrics)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    child.process.child.kill('SIGTERM');
    const stats = await child.line<{ recorded: number }>('PERFKIT_FIXTURE_STATS');
    await child.line('PERFKIT_FIXTURE_SHUT_DOWN');
    expect(await exitWithin(child.process, 10_000)).toBe(0);
    // The periodic interval (60 s) never fired: the only export is the flush on shutdown, and it carries everything.
    expect(receiver.requests).toHaveLength(1);
    expect(exportedBytes(receiver.requests[0]!.body)).toBe(stats.recorded * 1024);
    expect(await refused(port)).toBe(true);
    expect(child.process.output()).not.toMatch(/Error|perfkit error/);
  });

  it('stops every plug-in (host sampling, SLA evaluation, the dashboard and its server) and lets the process end by itself', async () => {
    const child = startFixture({ mode: 'serve', plugins: ['host', 'sla', 'dashboard'], hostOptions: { intervalMs: 200, gpu: false } });
    const ready = await child.line<{ metrics: string; dashboard: string }>('PERFKIT_FIXTURE_READY');
    expect((await fetch(new URL('health', ready.dashboard))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    child.process.child.kill('SIGTERM');
    await child.line('PERFKIT_FIXTURE_SHUT_DOWN');
    expect(await exitWithin(child.process, 10_000)).toBe(0);
    expect(await refused(Number(new URL(ready.dashboard).port))).toBe(true);
    expect(await refused(Number(new URL(ready.metrics).port))).toBe(true);
  });

  it('lets a child process that never calls shutdown() end by itself: every timer and server of perfkit and its plug-ins is unref()ed', async () => {
    const { receiver } = await setup();
    const child = startFixture({ mode: 'oneshot', otlpUrl: receiver.url, otlpIntervalMs: 100, plugins: ['host', 'sla', 'dashboard'], hostOptions: { gpu: false } });
    await child.line('PERFKIT_FIXTURE_STATS');
    expect(await exitWithin(child.process, 10_000)).toBe(0);
  });

  it('lets a child process end by itself after shutdown() was called twice at once and once more', async () => {
    const { receiver } = await setup();
    const child = startFixture({ mode: 'oneshot', shutdown: true, otlpUrl: receiver.url, otlpIntervalMs: 60_000 });
    const stats = await child.line<{ recorded: number }>('PERFKIT_FIXTURE_SHUT_DOWN');
    expect(await exitWithin(child.process, 10_000)).toBe(0);
    expect(receiver.requests).toHaveLength(1);
    const fetched = pointsOf(receiver.requests[0]!.body, METRICS.operationDuration.otel).filter((p) => attributesOf(p)[ATTR.operationType] === 'download');
    expect(fetched.length).toBeGreaterThan(0);
    expect(exportedBytes(receiver.requests[0]!.body)).toBe(stats.recorded * 1024);
  });

  it('resolves every shutdown() call with the same promise, flushing once, when called twice in the same process', async () => {
    const { receiver } = await setup();
    const perf = createPerfkit({ serviceName: 'twice', prometheus: { port: 0 }, otlp: { url: receiver.url, intervalMs: 60_000 }, logLevel: 'none' });
    await perf.ready();
    perf.operation('download', 'x').addBytes(7);
    const [a, b] = [perf.shutdown(), perf.shutdown()];
    expect(a).toBe(b);
    await a;
    await perf.shutdown();
    expect(receiver.requests).toHaveLength(1);
    expect(exportedBytes(receiver.requests[0]!.body)).toBe(7);
  });
});
