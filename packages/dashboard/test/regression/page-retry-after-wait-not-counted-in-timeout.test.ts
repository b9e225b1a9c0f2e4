/**
 * The page retries a `429 too_many_requests` after the server's `Retry-After`, and each request has a time limit
 * (`?timeout=ms`, 20 s). The retry cleared the time limit, waited (up to 10 s) and started the request again with a
 * fresh limit: with two retries a request could stay out for three limits plus two waits (80 s at the defaults), and
 * since the page refreshes only once its last refresh is back, the page froze for that long. The retry now happens
 * within the one limit: a wait that would end past it ends the request as a timeout at once, and a retried request
 * that hangs times out when the first limit ends. The page's fetch layer runs here in Node, against a fake `fetch`
 * that answers as a server would (a 429 with `Retry-After`, a JSON body, or nothing until the request is aborted),
 * on jest's fake clock: no browser, no sleeps.
 */
import { ApiError, getJson } from '../../page/api';

type Answer = () => Response | 'hang';

/** A fake `fetch` that gives the scripted answers in turn and, like the real one, rejects when its signal aborts. */
function setup(answers: Answer[], random = 1) {
  jest.useFakeTimers();
  jest.spyOn(Math, 'random').mockReturnValue(random);
  const calls: number[] = [];
  const fakeFetch = (_path: string, init: { signal: AbortSignal }) => {
    calls.push(performance.now());
    const answer = answers[calls.length - 1]?.() ?? 'hang';
    if (answer !== 'hang') return Promise.resolve(answer);
    return new Promise<Response>((_resolve, reject) => {
      init.signal.addEventListener('abort', () => reject(new DOMException('This operation was aborted', 'AbortError')));
    });
  };
  globalThis.fetch = fakeFetch as unknown as typeof fetch;
  const start = performance.now();
  const call = (timeoutMs: number) => {
    const outcome: { value?: unknown; error?: ApiError } = {};
    getJson('/api/v1/performance/report', { apiKey: '', timeoutMs }).then(
      (value) => (outcome.value = value),
      (error: ApiError) => (outcome.error = error),
    );
    return outcome;
  };
  return { calls: () => calls.map((t) => t - start), call };
}

const tooMany = (retryAfter: string) => () => new Response('{"error":{"code":"too_many_requests","message":"busy"}}', { status: 429, headers: { 'retry-after': retryAfter } });
const ok = () => new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } });

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
  jest.restoreAllMocks();
  jest.useRealTimers();
});

describe('page-retry-after-wait-not-counted-in-timeout', () => {
  it('ends as a timeout at once when the Retry-After wait would go past the time limit', async () => {
    // Retry-After 10 s with the shortest jitter (half) is a 5 s wait; the limit is 3 s.
    const { call, calls } = setup([tooMany('10'), ok], 0);
    const outcome = call(3000);
    await jest.advanceTimersByTimeAsync(0);
    expect(outcome.error).toBeInstanceOf(ApiError);
    expect([outcome.error?.code, outcome.error?.message, outcome.error?.status]).toEqual(['timeout', 'no answer within 3 s', undefined]);
    expect(calls()).toEqual([0]);
  });

  it('times out a retried request that hangs when the first time limit ends, not a limit later', async () => {
    // 429 with Retry-After 1 (full jitter: 1 s), then the retry never answers; the limit is 5 s from the first call.
    const { call, calls } = setup([tooMany('1'), () => 'hang']);
    const outcome = call(5000);
    await jest.advanceTimersByTimeAsync(4999);
    expect(outcome).toEqual({});
    expect(calls()).toEqual([0, 1000]);
    await jest.advanceTimersByTimeAsync(1);
    expect([outcome.error?.code, outcome.error?.message]).toEqual(['timeout', 'no answer within 5 s']);
  });

  it('still retries, and gets the answer, when the wait fits in the time limit', async () => {
    const { call, calls } = setup([tooMany('1'), tooMany('2'), ok]);
    const outcome = call(20_000);
    await jest.advanceTimersByTimeAsync(3000);
    expect(outcome).toEqual({ value: { ok: true } });
    expect(calls()).toEqual([0, 1000, 3000]);
  });

  it('gives the last 429 as the server said it once the retries are spent within the limit', async () => {
    const { call, calls } = setup([tooMany('1'), tooMany('1'), tooMany('1'), ok]);
    const outcome = call(20_000);
    await jest.advanceTimersByTimeAsync(2000);
    expect(calls()).toEqual([0, 1000, 2000]);
    expect([outcome.error?.status, outcome.error?.code, outcome.error?.message]).toEqual([429, 'too_many_requests', 'busy']);
  });

  it.each([
    // Retry-After, the wait it gives (full jitter): clamped to 0.2-10 s, 1 s when it is not a number of seconds.
    ['Infinity', 'Infinity', 10_000],
    ['1e308', '1e308', 10_000],
    ['-5', '-5', 200],
    ['0', '0', 1000],
    ['a word', 'soon', 1000],
    ['an HTTP date', 'Wed, 21 Oct 2015 07:28:00 GMT', 1000],
    ['10,000 nines', '9'.repeat(10_000), 10_000],
  ])('waits a bounded time, without throwing, for Retry-After %s', async (_label, retryAfter, waitMs) => {
    const { call, calls } = setup([tooMany(retryAfter), ok]);
    const outcome = call(20_000);
    await jest.advanceTimersByTimeAsync(waitMs);
    expect(calls()).toEqual([0, waitMs]);
    expect(outcome).toEqual({ value: { ok: true } });
  });
});
