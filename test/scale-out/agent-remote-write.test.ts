import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { generateFiles, OUTPUT_PATHS, parseSlaSpec } from '@perfkit/sla';
import { freePort, REPO_ROOT, startExample, startProcess, waitFor, type ManagedProcess, type StartedExample } from '../helpers';

// The scale-out recipe of docs/scale-out.md, end to end on loopback: three example instances (own ports, own
// service.instance.id), each scraped by its own Prometheus 2.42 in agent mode that remote-writes to one central
// Prometheus (--web.enable-remote-write-receiver) running the SLA rules generated from examples/sla.yaml, with the
// SLO window scaled down to 4h (as in test/sla/alerts.test.ts) so a burn shows within seconds.

const WINDOW = '4h';
const INSTANCES = 3;

interface Prom {
  url: string;
  proc: ManagedProcess;
  dir: string;
}

async function startProm(kind: 'agent' | 'central', config: (host: string) => Record<string, unknown>): Promise<Prom> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `perfkit-scaleout-${kind}-`));
  const configFile = path.join(dir, 'prometheus.yml');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  fs.writeFileSync(configFile, stringify(config(`127.0.0.1:${port}`)));
  const flags =
    kind === 'agent'
      ? ['--enable-feature=agent', `--storage.agent.path=${path.join(dir, 'wal')}`]
      : ['--web.enable-remote-write-receiver', `--storage.tsdb.path=${path.join(dir, 'data')}`];
  const proc = startProcess('prometheus', [`--config.file=${configFile}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn', ...flags]);
  await Promise.race([
    waitFor(async () => (await fetch(`${url}/-/ready`)).ok, 30_000, 100),
    proc.exited.then((code) => {
      throw new Error(`prometheus ${kind} exited (${String(code)}):\n${proc.output()}`);
    }),
  ]);
  return { url, proc, dir };
}

async function query(central: Prom, promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await fetch(`${central.url}/api/v1/query?${new URLSearchParams({ query: promql })}`);
  const body = (await res.json()) as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> }; error?: string };
  if (body.status !== 'success') throw new Error(`${promql}: ${body.error}`);
  return body.data.result;
}

describe('scale-out: Prometheus agents remote-writing to a central Prometheus that runs the SLA rules', () => {
  const examples: StartedExample[] = [];
  const agents: Prom[] = [];
  let central: Prom;
  let dir: string;
  let downloads: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-scaleout-rules-'));
    const raw = parse(fs.readFileSync(path.join(REPO_ROOT, 'examples/sla.yaml'), 'utf8')) as Record<string, any>;
    const spec = parseSlaSpec({ ...raw, window: WINDOW, alerting: { ...raw.alerting, minWindow: '5s', minEvents: 5, absentFor: '1m' } });
    for (const [rel, text] of Object.entries(generateFiles(spec, { source: `examples/sla.yaml (window ${WINDOW})` }).files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    const started = await Promise.all(
      Array.from({ length: INSTANCES }, (_, i) =>
        startExample({ traffic: 10, env: { PERFKIT_SERVICE_INSTANCE_ID: `model-service-${i}` }, knobs: { downloadFailureRate: 0, generateDelayMs: 0, generateFailureRate: 0 }, timeoutMs: 60_000 }),
      ),
    );
    examples.push(...started);
    // The central server also scrapes itself, for its own rule-evaluation figures.
    central = await startProm('central', (self) => ({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: [path.join(dir, OUTPUT_PATHS.rules)],
      scrape_configs: [{ job_name: 'prometheus', static_configs: [{ targets: [self] }] }],
    }));
    for (const ex of examples) {
      const target = new URL(ex.metrics);
      agents.push(
        await startProm('agent', () => ({
          // 2 s: a loaded 2-core machine can miss a 1 s scrape timeout, and a failed scrape marks series stale.
          global: { scrape_interval: '2s', scrape_timeout: '2s' },
          scrape_configs: [{ job_name: 'model-service', metrics_path: target.pathname, static_configs: [{ targets: [target.host] }] }],
          remote_write: [{ url: `${central.url}/api/v1/write`, queue_config: { batch_send_deadline: '500ms', min_backoff: '100ms', max_backoff: '1s' } }],
        })),
      );
    }
    // Downloads are a small share of the traffic: a steady trickle on every instance keeps the SLO above minEvents.
    let n = 0;
    downloads = setInterval(() => {
      const ex = examples[n++ % examples.length]!;
      if (ex.process.child.exitCode !== null) return;
      fetch(`${ex.app}/models/tinyllama-1.1b-chat/download`, { method: 'POST' })
        .then((r) => r.arrayBuffer())
        .catch(() => undefined);
    }, 100);
    downloads.unref();
  }, 180_000);

  afterAll(async () => {
    clearInterval(downloads);
    await Promise.allSettled([...agents.map((a) => a.proc.stop()), central?.proc.stop(), ...examples.map((e) => e.stop())]);
    for (const d of [dir, central?.dir, ...agents.map((a) => a.dir)]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  it('sees every instance centrally, fires the page alert for failures spread across instances, and lets a stopped instance go stale', async () => {
    // Every instance's series arrive through its agent, told apart by instance and service_instance_id.
    await waitFor(async () => (await query(central, 'count by (instance) (perfkit_operation_duration_seconds_count{job="model-service"})')).length === INSTANCES, 60_000, 500).catch(
      async (err: Error) => {
        const up = await query(central, 'up').catch((e: Error) => e.message);
        throw new Error(`${err.message}\nup: ${JSON.stringify(up)}\nagents:\n${agents.map((a) => a.proc.output()).join('\n')}\ncentral:\n${central.proc.output()}`);
      },
    );
    const ids = await query(central, 'count by (service_instance_id) (target_info{job="model-service"})');
    expect(ids.map((r) => r.metric.service_instance_id).sort()).toEqual(['model-service-0', 'model-service-1', 'model-service-2']);
    await waitFor(async () => (await query(central, 'perfkit:slo_requests:rate21s{slo="download-success"} > 0')).length === 1, 60_000, 500);
    expect((await query(central, 'ALERTS{alertname="DownloadSuccessBudgetBurn",alertstate="firing"}')).length).toBe(0);

    // Failures on two of the three instances: no single place sees the whole picture, the central rules do.
    await examples[0]!.setKnobs({ downloadFailureRate: 1 });
    await examples[1]!.setKnobs({ downloadFailureRate: 1 });
    await waitFor(async () => (await query(central, 'ALERTS{alertname="DownloadSuccessBudgetBurn",alertstate="firing",severity="page"}')).length > 0, 90_000, 500);
    await examples[0]!.setKnobs({ downloadFailureRate: 0 });
    await examples[1]!.setKnobs({ downloadFailureRate: 0 });

    // Measured for docs/scale-out.md.
    // Samples per scrape of each instance, as its agent counted them (one sample per series).
    const series = await query(central, 'max_over_time(scrape_samples_scraped{job="model-service"}[30s])');
    const ruleSeconds = await query(central, 'max(prometheus_rule_group_last_duration_seconds)');
    const ruleSum = await query(central, 'sum(prometheus_rule_group_last_duration_seconds)');
    const groups = await query(central, 'count(prometheus_rule_group_last_duration_seconds)');
    console.log(
      `scale-out figures: series per instance ${series.map((s) => s.value[1]).join(', ')}; ${groups[0]?.value[1]} rule groups: slowest ${ruleSeconds[0]?.value[1]} s, all together ${ruleSum[0]?.value[1]} s per evaluation`,
    );

    // An instance stops: its agent marks its series stale, the SLO keeps reading the others.
    const stopped = new URL(examples[2]!.metrics).host;
    await examples[2]!.stop();
    await waitFor(async () => (await query(central, `up{job="model-service",instance="${stopped}"} == 0`)).length === 1, 30_000, 500);
    await waitFor(async () => (await query(central, `perfkit_operation_duration_seconds_count{job="model-service",instance="${stopped}"}`)).length === 0, 30_000, 500);
    // The others still report (over a range: one scrape missed on a loaded machine also marks series stale).
    await waitFor(async () => (await query(central, 'count by (instance) (max_over_time(perfkit_operation_duration_seconds_count{job="model-service"}[10s]))')).length === INSTANCES - 1, 30_000, 500);
    const rate = await query(central, 'perfkit:slo_requests:rate21s{slo="download-success"}');
    expect(rate).toHaveLength(1);
    expect(Number(rate[0]!.value[1])).toBeGreaterThan(0);
    expect((await query(central, 'ALERTS{alertname=~".*Absent.*",alertstate="firing"}')).length).toBe(0);
  }, 240_000);
});
