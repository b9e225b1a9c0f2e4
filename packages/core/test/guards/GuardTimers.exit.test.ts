import { runWithCore } from './coreChild';

// A guard's timers never keep the process alive (issue 18): jest keeps its worker alive, so this runs in a plain
// Node child. The child leaves one run in flight with an hour's timeout and one queued with an hour's queue
// timeout, then has nothing else to do: it must exit at once. A pending timer that is not unref()'d would hold
// it for the hour, past the child's time limit (execFileSync then throws ETIMEDOUT).
const HELD_OPEN = `
const core = require(process.env.PERFKIT_CORE_BUNDLE);
const perf = core.createPerfkit({ serviceName: 'guard-exit', prometheus: { serve: false }, logLevel: 'none' });
const guard = perf.guard({ name: 'held', maxConcurrent: 1, timeoutMs: 3600000, queueTimeoutMs: 3600000 });
guard.run('model_operation', 'running', () => new Promise(() => {})).catch(() => {});
guard.run('model_operation', 'queued', () => 'never').catch(() => {});
const s = guard.stats();
process.stdout.write(JSON.stringify({ inFlight: s.inFlight, queued: s.queued }));
`;

describe('guard timers', () => {
  it('let the process exit while a run waits on its timeout and another on its queue timeout', () => {
    expect(JSON.parse(runWithCore(HELD_OPEN, {}, 15_000))).toEqual({ inFlight: 1, queued: 1 });
  });
});
