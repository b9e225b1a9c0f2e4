import { PerfkitConfigError } from '@perfkit/core';
import { HOST_ENV_OVERRIDES, resolveHostConfig } from '../src/config';
import { hostMetrics } from '../src';

function setup(env: Record<string, string> = {}) {
  return (options?: unknown) => resolveHostConfig(options as never, env);
}

describe('resolveHostConfig', () => {
  it('fills defaults that keep CPU intervals meaningful and skip pseudo filesystems when given nothing', () => {
    const cfg = setup()(undefined);
    expect(cfg.intervalMs).toBe(5000);
    expect(cfg.gpu).toBe('auto');
    expect(cfg.filesystemTypes.exclude).toContain('proc');
    expect(cfg.interfaces.exclude).toEqual(expect.arrayContaining(['lo', 'veth*', 'ifb*', 'br-*', 'docker*']));
    expect(cfg.devices.exclude).toEqual(expect.arrayContaining(['loop*', 'dm-*', 'md*']));
    expect(Object.values(cfg.groups).every(Boolean)).toBe(true);
  });

  it.each([
    ['intervalMs', { intervalMs: NaN }],
    ['intervalMs', { intervalMs: Infinity }],
    ['intervalMs', { intervalMs: -1 }],
    ['intervalMs', { intervalMs: 5 }],
    ['intervalMs', { intervalMs: '5000' }],
    ['intervalMs', { intervalMs: 1.5 }],
    ['gpu', { gpu: 'cuda' }],
    ['gpu', { gpu: true }],
    ['mounts.include.0', { mounts: { include: ['x'.repeat(100_000)] } }],
    ['mounts.include', { mounts: { include: Array.from({ length: 1000 }, () => '/') } }],
    ['groups.cpu', { groups: { cpu: 'yes' } }],
    ['nvmlLibrary', { nvmlLibrary: '' }],
    ['maxGpuProcesses', { maxGpuProcesses: 1e9 }],
  ])('throws PerfkitConfigError naming host.%s when the value is hostile', (key, options) => {
    let error: unknown;
    try {
      setup()(options);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PerfkitConfigError);
    expect((error as PerfkitConfigError).code).toBe('PERFKIT_ERR_INVALID_CONFIG');
    expect((error as PerfkitConfigError).key).toBe(`host.${key}`);
  });

  it('throws naming the unknown key when an option is misspelt', () => {
    expect(() => setup()({ surprise: 1 })).toThrow(/surprise/);
    expect(() => setup()({ groups: { gpus: true } })).toThrow(/host\.groups.*gpus/);
  });

  it('throws when the options are not an object', () => {
    for (const bad of [42, 'host', [1], true]) expect(() => setup()(bad)).toThrow(PerfkitConfigError);
  });

  it('lets PERFKIT_HOST_* variables win over code and names the variable when one is bad', () => {
    const cfg = setup({ PERFKIT_HOST_INTERVAL_MS: '2000', PERFKIT_HOST_GPU: 'off', PERFKIT_HOST_EVENT_LOOP_ENABLED: 'false', PERFKIT_HOST_INTERFACES_EXCLUDE: 'lo, docker*' })({ intervalMs: 9000 });
    expect(cfg).toMatchObject({ intervalMs: 2000, gpu: false, groups: { eventLoop: false, cpu: true }, interfaces: { exclude: ['lo', 'docker*'] } });
    expect(() => setup({ PERFKIT_HOST_INTERVAL_MS: 'abc' })({})).toThrow(/host\.intervalMs = "abc" \(from PERFKIT_HOST_INTERVAL_MS\)/);
    expect(() => setup({ PERFKIT_HOST_GPU: 'cuda' })({})).toThrow(/PERFKIT_HOST_GPU/);
  });

  it('has one PERFKIT_HOST_ variable per group and no duplicates', () => {
    const names = HOST_ENV_OVERRIDES.map((o) => o.env);
    expect(new Set(names).size).toBe(names.length);
    expect(names.every((n) => n.startsWith('PERFKIT_HOST_'))).toBe(true);
    expect(names).toEqual(expect.arrayContaining(['PERFKIT_HOST_CPU_ENABLED', 'PERFKIT_HOST_EVENT_LOOP_ENABLED', 'PERFKIT_HOST_GC_ENABLED']));
  });

  it('validates at hostMetrics() time, before anything starts', () => {
    expect(() => hostMetrics({ intervalMs: NaN })).toThrow(PerfkitConfigError);
  });
});
