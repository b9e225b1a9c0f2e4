import { startExample, type StartedExample } from '../../helpers';
import { scrapeStorm } from '../helpers/scrapeStorm';

/**
 * `npm run test:soak`: 50 concurrent scrapers on the example service's /metrics for PERFKIT_STORM_SECONDS
 * (default 60) while it serves its own traffic. Stated bound: the event-loop delay the example itself reports
 * (`nodejs_eventloop_delay_max_seconds`, the host plug-in's monitorEventLoopDelay max per interval, read every
 * second by a separate client) stays below MAX_EVENT_LOOP_BLOCK_MS.
 */
const SECONDS = Number(process.env.PERFKIT_STORM_SECONDS ?? 60);
const SCRAPERS = 50;
const MAX_EVENT_LOOP_BLOCK_MS = 250;

let example: StartedExample | undefined;
afterAll(async () => {
  await example?.stop();
});

describe('the example service under 50 concurrent scrapers', () => {
  it(`answers every scrape completely and parseably and reports event-loop delay under ${MAX_EVENT_LOOP_BLOCK_MS} ms for ${SECONDS} s`, async () => {
    example = await startExample({ traffic: 20, env: { PERFKIT_HOST_INTERVAL_MS: '1000' } });
    const metrics = example.metrics;
    let maxDelayMs = 0;
    let readings = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const text = await (await fetch(metrics)).text();
        const line = text.split('\n').find((l) => l.startsWith('nodejs_eventloop_delay_max_seconds'));
        if (line) {
          maxDelayMs = Math.max(maxDelayMs, Number(line.split(' ').pop()) * 1000);
          readings++;
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    const result = await scrapeStorm(metrics, SCRAPERS, SECONDS * 1000);
    await new Promise((r) => setTimeout(r, 2000)); // one more host interval, so the last window is reported
    watching = false;
    await watcher;
    process.stdout.write(
      `[robustness] example storm ${SECONDS} s: ${result.answers} answers (${(result.bytes / 1e6).toFixed(1)} MB), ` +
        `reported event-loop delay max ${maxDelayMs.toFixed(1)} ms over ${readings} readings\n`,
    );
    expect(result.failures).toEqual([]);
    expect(result.answers).toBeGreaterThanOrEqual(SCRAPERS);
    expect(readings).toBeGreaterThan(0);
    expect(maxDelayMs).toBeLessThan(MAX_EVENT_LOOP_BLOCK_MS);
    expect(await example.stop()).toBe(0);
  }, (SECONDS + 120) * 1000);
});
