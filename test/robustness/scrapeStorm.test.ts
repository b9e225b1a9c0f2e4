import { promtoolCheckMetrics } from '../helpers';
import { exitWithin, startFixture, type StartedFixture } from './helpers/fixture';
import { scrapeStorm } from './helpers/scrapeStorm';

/**
 * Stated bound: while 50 scrapers hammer /metrics, the service's event loop is never blocked longer than this
 * (monitorEventLoopDelay max, measured inside the service). One scrape serializes a few hundred series in a
 * few milliseconds; the bound leaves room for GC and a shared 2-core CI machine, not for a scrape that blocks.
 */
const MAX_EVENT_LOOP_BLOCK_MS = 250;
const SCRAPERS = 50;
const DURATION_MS = Number(process.env.PERFKIT_STORM_SECONDS ?? 5) * 1000;

let fixture: StartedFixture | undefined;
afterAll(async () => {
  await fixture?.process.stop();
});

describe('/metrics under 50 concurrent scrapers', () => {
  it(`answers every scrape completely and parseably and keeps the service's event loop unblocked beyond ${MAX_EVENT_LOOP_BLOCK_MS} ms for the storm's duration`, async () => {
    fixture = startFixture({ mode: 'serve', names: 50 });
    const { metrics } = await fixture.line<{ metrics: string }>('PERFKIT_FIXTURE_READY');
    const result = await scrapeStorm(metrics, SCRAPERS, DURATION_MS);
    fixture.process.child.kill('SIGTERM');
    const stats = await fixture.line<{ eventLoopDelayMs: { max: number; p99: number; mean: number } }>('PERFKIT_FIXTURE_STATS');
    expect(await exitWithin(fixture.process, 10_000)).toBe(0);

    expect(result.failures).toEqual([]);
    expect(result.answers).toBeGreaterThanOrEqual(SCRAPERS);
    expect(promtoolCheckMetrics(result.sampleText)).toEqual({ status: 0, report: '' });
    process.stdout.write(
      `[robustness] scrape storm: ${result.answers} answers (${(result.bytes / 1e6).toFixed(1)} MB) in ${DURATION_MS / 1000} s; ` +
        `service event-loop delay max ${stats.eventLoopDelayMs.max.toFixed(1)} ms, p99 ${stats.eventLoopDelayMs.p99.toFixed(1)} ms\n`,
    );
    expect(stats.eventLoopDelayMs.max).toBeLessThan(MAX_EVENT_LOOP_BLOCK_MS);
  });
});
