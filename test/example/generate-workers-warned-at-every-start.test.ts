import { METRICS } from '@perfkit/core';
import { startExample, waitFor, type StartedExample } from '../helpers';

/**
 * The example's generate workers created perfkit with the service name only, while the main thread's perfkit carries
 * the SLA spec's views (its buckets): every start printed `perfkit warn: worker thread N runs perfkit configured
 * otherwise than this perfkit (views [] vs [...])`, once per worker, to a new user running `npm start`. The workers
 * now get the main thread's views, limits and exemplars. Judged on the example's own output after a worker's
 * tokens have reached the main thread's /metrics (the configuration is compared when a thread first reports).
 */
describe('generate workers warned at every start', () => {
  let example: StartedExample | undefined;
  afterAll(async () => {
    await example?.stop();
  });

  it('starts, generates and counts the tokens with no warning', async () => {
    example = await startExample({ traffic: false, backgroundIntervalMs: 60_000, env: { PERFKIT_LOG_LEVEL: 'warn' } });
    const res = await fetch(`${example.app}/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'tinyllama-1.1b-chat', prompt: 'hello', maxTokens: 8 }) });
    expect(res.status).toBe(200);
    const tokens = async () => {
      const text = await (await fetch(example!.metrics)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${METRICS.modelTokens.prom}{`));
      return line !== undefined && Number(line.slice(line.lastIndexOf(' ') + 1)) > 0;
    };
    await waitFor(tokens, 10_000, 100);
    const warnings = example.process.output().split('\n').filter((l) => l.startsWith('perfkit warn'));
    expect(warnings).toEqual([]);
  });
});
