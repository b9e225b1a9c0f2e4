import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, ensureBuilt, startProcess, waitFor, type ManagedProcess } from '../helpers';

interface StackReady {
  app: string;
  metrics: string;
  prometheus: string;
  alertmanager: string;
  prometheusConfig: string;
}

const reachable = async (url: string) => {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
};

describe('npm run stack (scripts/stack.mjs)', () => {
  let stack: ManagedProcess;
  let ready: StackReady;

  beforeAll(async () => {
    ensureBuilt('examples/model-service', 'main.js');
    stack = startProcess(process.execPath, ['scripts/stack.mjs', '--port', '0', '--metrics-port', '0', '--traffic-rate', '20'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PERFKIT_STACK_PROMETHEUS_PORT: '0', PERFKIT_STACK_ALERTMANAGER_PORT: '0' },
    });
    const line = await waitFor(() => stack.output().split('\n').find((l) => l.startsWith('PERFKIT_STACK_READY ')), 40_000, 100);
    ready = JSON.parse(line.slice('PERFKIT_STACK_READY '.length)) as StackReady;
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('prints every URL', () => {
    for (const url of [ready.app, ready.metrics, ready.prometheus, ready.alertmanager]) expect(stack.output()).toContain(url);
    for (const url of [ready.prometheus, ready.alertmanager]) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('has Prometheus scrape the example with the repository rules and send alerts to the Alertmanager', async () => {
    await waitFor(async () => {
      const res = (await (await fetch(`${ready.prometheus}/api/v1/targets`)).json()) as { data: { activeTargets: Array<{ labels: { job: string }; health: string }> } };
      return res.data.activeTargets.some((t) => t.labels.job === 'model-service' && t.health === 'up');
    }, 30_000, 500);
    const rules = (await (await fetch(`${ready.prometheus}/api/v1/rules`)).json()) as { data: { groups: Array<{ file: string }> } };
    expect(rules.data.groups.length).toBeGreaterThan(0);
    for (const g of rules.data.groups) expect(g.file.startsWith(path.join(REPO_ROOT, 'prometheus', 'rules'))).toBe(true);
    const ams = await waitFor(async () => {
      const res = (await (await fetch(`${ready.prometheus}/api/v1/alertmanagers`)).json()) as { data: { activeAlertmanagers: Array<{ url: string }> } };
      return res.data.activeAlertmanagers.length ? res.data.activeAlertmanagers : undefined;
    }, 20_000, 500);
    expect(ams[0]!.url.startsWith(ready.alertmanager)).toBe(true);
    expect((await fetch(`${ready.alertmanager}/-/ready`)).ok).toBe(true);
  });

  it('stops everything on Ctrl-C (SIGINT) and removes its temporary files', async () => {
    stack.child.kill('SIGINT');
    expect(await stack.exited).toBe(0);
    for (const url of [ready.app, ready.metrics, ready.prometheus, ready.alertmanager]) expect([url, await reachable(url)]).toEqual([url, false]);
    expect(fs.existsSync(ready.prometheusConfig)).toBe(false);
  }, 30_000);
});

describe('scripts/stack.mjs with a bad port variable', () => {
  it('exits 1 naming the variable', async () => {
    ensureBuilt('examples/model-service', 'main.js');
    const proc = startProcess(process.execPath, ['scripts/stack.mjs', '--port', '0', '--metrics-port', '0', '--no-traffic'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PERFKIT_STACK_PROMETHEUS_PORT: 'NaN' },
    });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain('PERFKIT_STACK_PROMETHEUS_PORT="NaN"');
  }, 30_000);
});
