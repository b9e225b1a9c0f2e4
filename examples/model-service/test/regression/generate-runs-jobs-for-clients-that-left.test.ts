/**
 * Gap: `POST /generate` called the pool's guard with `guard.run(...)`, which knows nothing of the HTTP client. A client
 * that disconnected while its request waited for a worker still had its job run later in a worker, for nobody (and
 * ahead of the callers still waiting); one that disconnected while its job ran kept the worker until the job's end.
 * The route now builds a signal from the response's 'close' (before the response finished) and the pool passes it
 * to `guard.runWith`: a queued job leaves the queue at once and never reaches a worker (counted as
 * `reason="caller_aborted"`), a running one's worker is terminated and replaced, and nothing is written or logged.
 *
 * What reached a worker is counted at `Worker.prototype.postMessage` (the only way a job gets to a thread); the
 * expected metric lines are written out by hand.
 */
import http from 'node:http';
import { once } from 'node:events';
import { startModelService, type RunningExample } from '../../src/app';
import { parseCli } from '../../src/cli';
import { soon, until, watchWorkerJobs } from '../helpers/workerJobs';

const MODEL = 'tinyllama-1.1b-chat';

/** One POST /generate on a connection of its own; `leave()` disconnects it; `wroteAnything()` looks at the server's side. */
async function openGenerate(running: RunningExample) {
  const serverSide = once(running.server, 'request') as Promise<[http.IncomingMessage, http.ServerResponse]>;
  const body = JSON.stringify({ model: MODEL, prompt: 'hello', maxTokens: 8 });
  const client = http.request(`${running.urls.app}/generate`, {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  client.on('error', () => undefined); // destroyed on purpose
  const answer = new Promise<{ status: number; body: string }>((resolve) => {
    client.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
  });
  client.end(body);
  const [, res] = await serverSide;
  const writes = [jest.spyOn(res, 'writeHead'), jest.spyOn(res, 'write'), jest.spyOn(res, 'end')];
  const leave = async () => {
    const closed = once(res, 'close');
    client.destroy();
    await closed;
    await new Promise((resolve) => setImmediate(resolve)); // the route's rejection handlers run in the microtasks before this
  };
  return { answer, leave, wroteAnything: () => writes.some((spy) => spy.mock.calls.length > 0) };
}

describe('generate-runs-jobs-for-clients-that-left', () => {
  it('a queued job whose client left never reaches a worker; a running one loses its worker; the next is served', async () => {
    const parsed = parseCli(['--no-traffic', '--no-host', '--no-sla', '--no-dashboard', '--port', '0', '--metrics-port', '0', '--generate-workers', '1', '--generate-timeout-ms', '600000'], {});
    if (parsed === 'help') throw new Error('unexpected --help');
    const running = await startModelService(parsed);
    const { jobs, restore } = watchWorkerJobs();
    const diag = [jest.spyOn(running.perf.diag, 'error'), jest.spyOn(running.perf.diag, 'warn'), jest.spyOn(console, 'error'), jest.spyOn(console, 'warn')];
    try {
      const setKnobs = (knobs: object) =>
        fetch(running.urls.knobs, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(knobs) });
      expect((await setKnobs({ downloadFailureRate: 0, healthCorruptionRate: 0, generateFailureRate: 0, generateDelayMs: 600_000 })).status).toBe(200);
      await running.service.load(MODEL);
      const guard = running.perf.guards().find((g) => g.name === 'generate')!;

      const first = await openGenerate(running); // takes the only worker, for 10 minutes
      await until('the first job to reach the worker', () => jobs.length === 1);
      const second = await openGenerate(running);
      await until('the second request to queue', () => guard.stats().queued === 1);

      await second.leave();
      expect(guard.stats().queued).toBe(0);
      expect(guard.stats().inFlight).toBe(1);
      const text = await running.perf.metrics();
      expect(text).toContain('perfkit_guard_rejections_total{guard="generate",reason="caller_aborted"} 1\n');
      expect(second.wroteAnything()).toBe(false);

      const runningWorker = jobs[0]!.worker;
      const exited = once(runningWorker, 'exit');
      await first.leave();
      await soon('the worker to exit', exited); // terminated, as on a timeout
      await until('the slot to be released', () => guard.stats().inFlight === 0);
      expect(first.wroteAnything()).toBe(false);

      expect((await setKnobs({ generateDelayMs: 0 })).status).toBe(200);
      const third = await openGenerate(running);
      const answer = await soon('the third answer', third.answer);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ model: MODEL, requestedModel: MODEL });
      // The first and the third job reached a worker, the second never did; the third ran on the replacement.
      expect(jobs.length).toBe(2);
      expect(jobs[1]!.worker).not.toBe(runningWorker);
      const after = await running.perf.metrics();
      expect(after).toContain('perfkit_guard_rejections_total{guard="generate",reason="caller_aborted"} 1\n');
      expect(after).toMatch(/perfkit_operation_duration_seconds_count\{[^}]*operation_name="generate"[^}]*operation_outcome="cancelled"[^}]*\} 2\n/);
      for (const logged of diag) expect(logged).not.toHaveBeenCalled();
    } finally {
      restore();
      for (const logged of diag) logged.mockRestore();
      await running.stop(0);
    }
  });
});
