/**
 * Regression: `shutdown()` called while the metrics server was still starting (a SIGTERM during start-up, a test that
 * creates and shuts down at once) closed the server before it listened, and `ready()` then never settled: Node's
 * `server.close()` on a server not yet listening cancels the listen without an 'error' or 'listening' event, so
 * `await perf.ready()` hung forever. It now rejects with `PERFKIT_ERR_SHUT_DOWN` (the server never served), without an
 * error in the log, and the port stays closed: what the test's own socket sees. Without operations, plug-ins or OTLP,
 * `shutdown()` settles in microtasks of the turn that created perfkit, before the listen's first I/O callback can run,
 * so the first case always shuts down a server that has not listened yet.
 */
import net from 'node:net';
import { createPerfkit, PerfkitError } from '@perfkit/core';

/** A port that was free a moment ago (the kernel's pick, the probe closed). */
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

function setup(port: number) {
  const errors: string[] = [];
  const perf = createPerfkit({ prometheus: { port }, logLevel: 'error', logger: { error: (m: string) => errors.push(m) } });
  let state = 'pending';
  let reason: unknown;
  perf.ready().then(
    () => (state = 'resolved'),
    (err: unknown) => {
      state = 'rejected';
      reason = err;
    },
  );
  return { perf, errors, state: () => state, reason: () => reason };
}

describe('regression: ready() never settled when shutdown() came before the server listened', () => {
  it('rejects ready() with PERFKIT_ERR_SHUT_DOWN, logs no error and leaves the port closed', async () => {
    const port = await freePort();
    const { perf, errors, state, reason } = setup(port);
    await perf.shutdown();
    // A turn of the event loop with a timer: a settled ready() has run its handler by then.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(state()).toBe('rejected');
    expect(reason()).toBeInstanceOf(PerfkitError);
    expect((reason() as PerfkitError).code).toBe('PERFKIT_ERR_SHUT_DOWN');
    expect(perf.metricsUrl).toBeUndefined();
    expect(errors).toEqual([]);
    expect(await accepts(port)).toBe(false);
  });

  it('still resolves ready() when the server listened before shutdown()', async () => {
    const port = await freePort();
    const { perf, state } = setup(port);
    await perf.ready();
    expect(await accepts(port)).toBe(true);
    await perf.shutdown();
    expect(state()).toBe('resolved');
    expect(await accepts(port)).toBe(false);
  });
});
