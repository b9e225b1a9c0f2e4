/**
 * Regression: a plug-in whose start() is async was stopped by shutdown() while its start() was still running, so
 * what start() set up after its first await (here an interval timer, as a sampler would) was never cleared and
 * outlived perfkit, holding the process. shutdown() now waits for a plug-in's start() to settle (at most
 * shutdownTimeoutMs) before calling its shutdown(), and says so when it gave up waiting.
 */
import { createPerfkit, type PerfkitPlugin } from '@perfkit/core';

function slowStarter(events: string[], startMs: number): PerfkitPlugin & { timer?: NodeJS.Timeout } {
  const plugin: PerfkitPlugin & { timer?: NodeJS.Timeout } = {
    name: 'slow-starter',
    async start() {
      events.push('start:begin');
      await new Promise((resolve) => setTimeout(resolve, startMs));
      // unref'd: on the old code it is set after shutdown() and would hold jest open.
      plugin.timer = setInterval(() => undefined, 1000).unref();
      events.push('start:end');
    },
    shutdown() {
      events.push(plugin.timer ? 'shutdown:cleared' : 'shutdown:nothing-to-clear');
      clearInterval(plugin.timer);
    },
  };
  return plugin;
}

describe('regression: plugin stopped before its start finished', () => {
  it('stops a plug-in after its async start() has finished', async () => {
    const events: string[] = [];
    const perf = createPerfkit({ prometheus: false, logLevel: 'none' });
    const plugin = perf.use(slowStarter(events, 50));
    await perf.shutdown();
    expect(events).toEqual(['start:begin', 'start:end', 'shutdown:cleared']);
    clearInterval(plugin.timer);
  });

  it('stops it anyway, with a warning, when start() takes longer than shutdownTimeoutMs', async () => {
    const events: string[] = [];
    const warnings: string[] = [];
    const perf = createPerfkit({ prometheus: false, shutdownTimeoutMs: 100, logger: { error: () => undefined, warn: (m: string) => warnings.push(m), info: () => undefined, debug: () => undefined } });
    const plugin = perf.use(slowStarter(events, 1500));
    await perf.shutdown();
    expect(events).toEqual(['start:begin', 'shutdown:nothing-to-clear']);
    expect(warnings.some((w) => w.includes('slow-starter') && w.includes('still starting after 100 ms'))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    clearInterval(plugin.timer);
  });

  it('does not wait for a plug-in whose start() was synchronous or failed', async () => {
    const perf = createPerfkit({ prometheus: false, logLevel: 'none' });
    const events: string[] = [];
    perf.use({ name: 'sync', start: () => void events.push('sync:start'), shutdown: () => void events.push('sync:shutdown') });
    perf.use({ name: 'failing', start: () => Promise.reject(new Error('no')), shutdown: () => void events.push('failing:shutdown') });
    await perf.shutdown();
    expect(events).toEqual(['sync:start', 'failing:shutdown', 'sync:shutdown']);
  });
});
