import { createPerfkit, PerfkitConfigError } from '@perfkit/core';
import { dashboardPlugin, DashboardError, loadDashboardConfig, isLoopback } from '@perfkit/dashboard';

describe('loadDashboardConfig', () => {
  it('applies defaults and PERFKIT_DASHBOARD_* overrides', () => {
    const cfg = loadDashboardConfig({}, { PERFKIT_DASHBOARD_PORT: '0', PERFKIT_DASHBOARD_CACHE_TTL_MS: '250', PERFKIT_DASHBOARD_RETENTION_MS: '3600000' });
    expect(cfg).toMatchObject({ port: 0, host: '127.0.0.1', cacheTtlMs: 250, retentionMs: 3_600_000, snapshotIntervalMs: 60_000, memoryBudgetBytes: 16 * 1024 * 1024 });
  });

  it('throws PerfkitConfigError naming key, value and source for bad values', () => {
    const bad: Array<[unknown, NodeJS.ProcessEnv, RegExp]> = [
      [{ port: 70000 }, {}, /dashboard\.port = 70000/],
      [{ sampleIntervalMs: NaN }, {}, /dashboard\.sampleIntervalMs/],
      [{ cacheTtlMs: Infinity }, {}, /dashboard\.cacheTtlMs/],
      [{ apiKey: 'short' }, {}, /at least 16 characters/],
      [{ host: 'x'.repeat(10_000) }, {}, /dashboard\.host/],
      [{}, { PERFKIT_DASHBOARD_SNAPSHOT_INTERVAL_MS: 'soon' }, /from PERFKIT_DASHBOARD_SNAPSHOT_INTERVAL_MS/],
      [{ unknownKey: 1 }, {}, /dashboard/],
      [{ thresholds: { resources: { cpuUtilization: 2 } } }, {}, /thresholds\.resources\.cpuUtilization/],
      ['not an object', {}, /expected an object/],
    ];
    for (const [input, env, message] of bad) {
      expect(() => loadDashboardConfig(input as never, env)).toThrow(PerfkitConfigError);
      expect(() => loadDashboardConfig(input as never, env)).toThrow(message);
    }
  });

  it('requires an API key when its own server binds beyond loopback', () => {
    expect(() => loadDashboardConfig({ port: 0, host: '0.0.0.0' }, {})).toThrow(DashboardError);
    expect(() => loadDashboardConfig({ port: 0, host: '0.0.0.0' }, {})).toThrow(/PERFKIT_DASHBOARD_API_KEY/);
    expect(loadDashboardConfig({ port: 0, host: '0.0.0.0', apiKey: 'k'.repeat(16) }, {}).apiKey).toHaveLength(16);
    expect(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost') && isLoopback('[::1]')).toBe(true);
    expect(isLoopback('0.0.0.0') || isLoopback('10.0.0.1') || isLoopback('::')).toBe(false);
  });
});

describe('dashboardPlugin start-up', () => {
  it('rejects ready() with a coded error when the port is taken', async () => {
    const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
    const first = perf.use(dashboardPlugin({ port: 0 }));
    await first.ready();
    const port = Number(new URL(first.url!).port);
    const perf2 = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
    const second = perf2.use(dashboardPlugin({ port }));
    await expect(second.ready()).rejects.toMatchObject({ code: 'PERFKIT_ERR_DASHBOARD_PORT_IN_USE' });
    await Promise.all([perf.shutdown(), perf2.shutdown(), perf2.shutdown()]);
  });
});
