/*
 * Bug: `restartDelayMs` above `maxRestartDelayMs` was accepted without a word, and the two GPU back ends then read it
 * differently: the nvidia-smi loop waited restartDelayMs before every restart (the cap raised to it), while NVML
 * re-initialisation waited restartDelayMs once and then the smaller cap (a back-off that shrinks). A contradictory
 * configuration now fails at start-up like any other bad option, naming the key, the value and what is allowed,
 * together with the other problems of the same call.
 */
import { PerfkitConfigError } from '@perfkit/core';
import { resolveHostConfig } from '../../src/config';
import { hostMetrics } from '../../src';

function setup(options: unknown): { error: PerfkitConfigError | undefined } {
  try {
    resolveHostConfig(options as never, {});
    return { error: undefined };
  } catch (err) {
    return { error: err as PerfkitConfigError };
  }
}

describe('regression: a restart delay above its cap is a configuration error', () => {
  it('names host.restartDelayMs, its value and the cap when restartDelayMs > maxRestartDelayMs', () => {
    const { error } = setup({ restartDelayMs: 5000, maxRestartDelayMs: 100 });
    expect(error).toBeInstanceOf(PerfkitConfigError);
    expect(error!.code).toBe('PERFKIT_ERR_INVALID_CONFIG');
    expect(error!.problems).toHaveLength(1);
    expect(error!.problems[0]).toMatchObject({ key: 'host.restartDelayMs', value: 5000, allowed: expect.stringMatching(/at most maxRestartDelayMs \(100 ms\)/) });
  });

  it('checks against the default cap (60000 ms) when only restartDelayMs is given', () => {
    expect(setup({ restartDelayMs: 120_000 }).error?.message).toMatch(/host\.restartDelayMs = 120000: expected at most maxRestartDelayMs \(60000 ms\)/);
    expect(setup({ maxRestartDelayMs: 500 }).error?.key).toBe('host.restartDelayMs'); // the default first delay, 1000 ms, is above it
  });

  it('reports it with the other problems of the same options, not after they are fixed', () => {
    const { error } = setup({ intervalMs: 'soon', gpu: 'cuda', restartDelayMs: 5000, maxRestartDelayMs: 100 });
    expect(error!.problems.map((p) => p.key).sort()).toEqual(['host.gpu', 'host.intervalMs', 'host.restartDelayMs']);
  });

  it('accepts a delay equal to its cap, and leaves a delay that is not a number to its own check', () => {
    expect(setup({ restartDelayMs: 5000, maxRestartDelayMs: 5000 }).error).toBeUndefined();
    expect(setup({ restartDelayMs: NaN, maxRestartDelayMs: 100 }).error!.problems.map((p) => p.key)).toEqual(['host.restartDelayMs']);
    expect(() => hostMetrics({ restartDelayMs: 2000, maxRestartDelayMs: 1000 })).toThrow(PerfkitConfigError);
  });
});
