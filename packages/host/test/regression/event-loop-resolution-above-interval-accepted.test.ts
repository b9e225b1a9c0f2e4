/*
 * Bug: `eventLoopResolutionMs` at or above `intervalMs` was accepted. monitorEventLoopDelay then records at most one
 * delay per `eventLoopResolutionMs`, so some sampling intervals held no delay at all, and an empty histogram read as
 * 0 s of delay (its percentiles are 511 ns, its max 0, and the resolution is subtracted): a p99 of 0 reported
 * while the loop was never measured. The same empty histogram is read by the first collection, right after start.
 * Such a resolution is now a configuration error naming the key, the value and what is allowed (with every other
 * problem of the same options), and a histogram with no sample leaves the delay figures out instead of writing 0.
 */
import { PerfkitConfigError } from '@perfkit/core';
import { EventLoopCollector } from '../../src/collectors/EventLoopCollector';
import { resolveHostConfig } from '../../src/config';
import { startHost } from '../fixtures/fakes';

function configError(options: unknown, env: Record<string, string> = {}): PerfkitConfigError | undefined {
  try {
    resolveHostConfig(options as never, env);
    return undefined;
  } catch (err) {
    return err as PerfkitConfigError;
  }
}

describe('regression: an event-loop resolution that is not below the interval', () => {
  it('is a configuration error naming host.eventLoopResolutionMs, its value and intervalMs', () => {
    const error = configError({ intervalMs: 500, eventLoopResolutionMs: 1000 });
    expect(error).toBeInstanceOf(PerfkitConfigError);
    expect(error!.problems).toHaveLength(1);
    expect(error!.problems[0]).toMatchObject({ key: 'host.eventLoopResolutionMs', value: 1000, allowed: expect.stringMatching(/less than intervalMs \(500 ms\)/) });
    expect(configError({ intervalMs: 500, eventLoopResolutionMs: 500 })?.key).toBe('host.eventLoopResolutionMs');
    expect(configError({ intervalMs: 500, eventLoopResolutionMs: 499 })).toBeUndefined();
  });

  it('is reported with the other problems of the same options, and from the environment too', () => {
    const error = configError({ intervalMs: 200, eventLoopResolutionMs: 300, gpu: 'cuda', restartDelayMs: 5000, maxRestartDelayMs: 100 });
    expect(error!.problems.map((p) => p.key).sort()).toEqual(['host.eventLoopResolutionMs', 'host.gpu', 'host.restartDelayMs']);
    expect(configError({ eventLoopResolutionMs: 10 }, { PERFKIT_HOST_INTERVAL_MS: '100', PERFKIT_HOST_EVENT_LOOP_RESOLUTION_MS: '200' })?.key).toBe('host.eventLoopResolutionMs');
  });

  it('leaves the delay figures out, not 0, when the histogram took no sample in the interval', async () => {
    const c = new EventLoopCollector(1000);
    try {
      c.collect(); // right after enable(): the 1000 ms timer has not fired
      expect(c.eventLoop!.p50).toBeUndefined();
      expect(c.eventLoop!.p99).toBeUndefined();
      expect(c.eventLoop!.max).toBeUndefined();
      expect(c.eventLoop!.utilization).toBeGreaterThanOrEqual(0);
    } finally {
      c.stop();
    }
  });

  it('writes no delay series on /metrics before the histogram has a sample', async () => {
    const groups = { cpu: false, memory: false, filesystem: false, disk: false, network: false, process: false, gc: false, container: false };
    const { perf, host } = startHost({ gpu: false, groups, intervalMs: 3_600_000, eventLoopResolutionMs: 1000 });
    try {
      await host.collectNow();
      const text = await perf.metrics();
      expect(text).toMatch(/^nodejs_eventloop_utilization_ratio \d/m);
      expect(text).not.toMatch(/^nodejs_eventloop_delay_(p50|p99|max)_seconds /m);
    } finally {
      await perf.shutdown();
    }
  });
});
