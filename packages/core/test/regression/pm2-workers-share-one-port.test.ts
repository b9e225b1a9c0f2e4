import path from 'node:path';
import { ensureBuilt, freePort, startProcess, waitFor, type ManagedProcess } from '../../../../test/helpers';

// A real node:cluster without perfkit in the primary (PM2 style) whose workers all inherit NODE_APP_INSTANCE=0 (set
// once for the whole app, a common PM2 mistake): both compute the same port. Before the fix the second worker's
// listen went through the primary, which shared the socket: both ready() resolved and scrapes went round-robin
// between the workers without a word. A worker now binds its port itself (exclusive), so the second one is refused.

const FIXTURE = path.join(__dirname, '..', '..', '..', '..', 'test', 'cluster', 'fixtures', 'cluster-app.js');

describe('PM2-style workers that compute the same port', () => {
  let proc: ManagedProcess | undefined;
  afterEach(async () => {
    await proc?.stop();
  });

  it('refuses the second worker with PERFKIT_ERR_PORT_IN_USE instead of sharing the port', async () => {
    const core = ensureBuilt('packages/core', 'index.js');
    const metricsPort = await freePort();
    const controlPort = await freePort();
    proc = startProcess(process.execPath, [FIXTURE], {
      env: { ...process.env, PERFKIT_AGGREGATOR: '', PERFKIT_CORE: core, METRICS_PORT: String(metricsPort), CONTROL_PORT: String(controlPort), WORKERS: '2', NO_PRIMARY_PERFKIT: '1', NODE_APP_INSTANCE: '0' },
    });
    await waitFor(() => proc!.output().includes('READY'), 20_000).catch(() => {
      throw new Error(`cluster app did not start:\n${proc!.output()}`);
    });
    const ready = (await (await fetch(`http://127.0.0.1:${controlPort}/ready`)).json()) as Array<{ url: string | null; error: string | null }>;
    expect(ready).toHaveLength(2);
    expect(ready.filter((r) => r.url === `http://127.0.0.1:${metricsPort}/metrics`)).toHaveLength(1);
    expect(ready.filter((r) => r.error === 'PERFKIT_ERR_PORT_IN_USE')).toHaveLength(1);
    expect(proc.output()).toMatch(/metrics endpoint did not start.*port is in use/s);
  });
});
