import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { loadSlaSpec } from '@perfkit/sla';
import { REPO_ROOT } from '../helpers';

const run = promisify(execFile);

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  volumes?: Array<string | { type: string; source: string; target: string }>;
  environment?: Record<string, string>;
  ports?: Array<string | { published: number | string; target: number }>;
}

/** A bind mount as `docker-compose config` prints it (string or long form). */
function binds(service: ComposeService): Array<{ source: string; target: string }> {
  return (service.volumes ?? []).map((v) => {
    if (typeof v !== 'string') return { source: v.source, target: v.target };
    const [source, target] = v.split(':');
    return { source: source!, target: target! };
  });
}

describe('docker-compose.yml', () => {
  let services: Record<string, ComposeService>;

  beforeAll(async () => {
    const { stdout } = await run('docker-compose', ['-f', 'docker-compose.yml', 'config'], { cwd: REPO_ROOT });
    services = (parse(stdout) as { services: Record<string, ComposeService> }).services;
  }, 60_000);

  function setup() {
    return { services, prometheusYml: parse(fs.readFileSync(path.join(REPO_ROOT, 'prometheus/prometheus.yml'), 'utf8')) as Record<string, any> };
  }

  it('is accepted by docker-compose config and has the whole stack', () => {
    expect(Object.keys(setup().services).sort()).toEqual(['alertmanager', 'grafana', 'model-service', 'model-service-otlp', 'otel-collector', 'prometheus']);
  });

  it('mounts only paths that exist in the repository', () => {
    const mounts = Object.entries(setup().services).flatMap(([name, s]) => binds(s).map((b) => ({ name, ...b })));
    expect(mounts.length).toBeGreaterThanOrEqual(6);
    for (const m of mounts) {
      expect([m.name, m.source, fs.existsSync(m.source)]).toEqual([m.name, m.source, true]);
      expect(path.relative(REPO_ROOT, m.source).startsWith('..')).toBe(false);
    }
  });

  it('builds the example from a Dockerfile that exists, with the start command npm start uses', () => {
    for (const name of ['model-service', 'model-service-otlp']) {
      const { build } = setup().services[name]!;
      const dockerfile = path.resolve(build!.context, build!.dockerfile ?? 'Dockerfile');
      expect(fs.existsSync(dockerfile)).toBe(true);
      expect(fs.readFileSync(dockerfile, 'utf8')).toContain('examples/model-service/dist/main.js');
    }
    expect(fs.readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8')).toMatch(/node_modules/);
  });

  it('wires both export paths: a scraped instance and an OTLP instance through the Collector', () => {
    const { services, prometheusYml } = setup();
    const collector = parse(fs.readFileSync(path.join(REPO_ROOT, 'otel-collector/config.yaml'), 'utf8')) as Record<string, any>;
    const otlpUrl = new URL(services['model-service-otlp']!.environment!.PERFKIT_OTLP_URL!);
    expect(otlpUrl.hostname).toBe('otel-collector');
    expect(collector.receivers.otlp.protocols.http.endpoint).toBe(`0.0.0.0:${otlpUrl.port}`);
    const exporterPort = collector.exporters.prometheus.endpoint.split(':')[1];
    const jobs = Object.fromEntries((prometheusYml.scrape_configs as any[]).map((j) => [j.job_name, j]));
    expect(jobs['otel-collector'].static_configs[0].targets).toEqual([`otel-collector:${exporterPort}`]);
    expect(jobs['otel-collector'].honor_labels).toBe(true);
    const dockerfile = fs.readFileSync(path.join(REPO_ROOT, 'examples/model-service/Dockerfile'), 'utf8');
    const metricsPort = /PERFKIT_PROMETHEUS_PORT=(\d+)/.exec(dockerfile)![1];
    expect(jobs['model-service'].static_configs[0].targets).toEqual([`model-service:${metricsPort}`]);
    for (const pipeline of Object.values(collector.service.pipelines) as Array<Record<string, string[]>>) {
      for (const kind of ['receivers', 'processors', 'exporters']) for (const c of pipeline[kind] ?? []) expect(Object.keys(collector[kind])).toContain(c);
    }
  });

  it('scrapes the example under the job the SLA rules select on', () => {
    const spec = loadSlaSpec(path.join(REPO_ROOT, 'examples/sla.yaml'));
    const jobs = (setup().prometheusYml.scrape_configs as any[]).map((j) => j.job_name);
    expect(jobs).toContain(spec.selector.job);
  });

  it('passes promtool check config with the rule files from the repository', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-compose-'));
    try {
      const config = { ...setup().prometheusYml, rule_files: (setup().prometheusYml.rule_files as string[]).map((f) => path.join(REPO_ROOT, 'prometheus/rules', path.basename(f))) };
      const file = path.join(dir, 'prometheus.yml');
      fs.writeFileSync(file, stringify(config));
      const { stdout } = await run('promtool', ['check', 'config', file]);
      expect(stdout).toMatch(/SUCCESS/);
      const rulesMount = binds(setup().services.prometheus!).find((b) => b.source.endsWith(path.join('prometheus', 'rules')));
      expect((setup().prometheusYml.rule_files as string[]).every((f) => f.startsWith(rulesMount!.target + '/'))).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('passes amtool check-config on the mounted Alertmanager configuration', async () => {
    const mount = binds(setup().services.alertmanager!)[0]!;
    const { stdout } = await run('amtool', ['check-config', mount.source]);
    expect(stdout).toMatch(/SUCCESS/);
  });

  it('provisions Grafana with the datasource uid the dashboards use and the dashboards folder it mounts', () => {
    const grafana = setup().services.grafana!;
    const mounts = binds(grafana);
    const datasource = parse(fs.readFileSync(path.join(REPO_ROOT, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as any;
    const provider = parse(fs.readFileSync(path.join(REPO_ROOT, 'grafana/provisioning/dashboards/perfkit.yml'), 'utf8')) as any;
    expect(datasource.datasources[0].uid).toBe('prometheus');
    expect(new URL(datasource.datasources[0].url).host).toBe('prometheus:9090');
    const dashboardsMount = mounts.find((m) => m.source === path.join(REPO_ROOT, 'grafana/dashboards'));
    expect(provider.providers[0].options.path).toBe(dashboardsMount!.target);
    expect(mounts.map((m) => m.target)).toContain('/etc/grafana/provisioning');
    const home = grafana.environment!.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH!;
    expect(fs.existsSync(path.join(REPO_ROOT, 'grafana/dashboards', path.basename(home)))).toBe(true);
  });

  it('fails docker-compose config on a broken file (so the check above can fail)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-compose-'));
    try {
      fs.writeFileSync(path.join(dir, 'docker-compose.yml'), 'services:\n  x:\n    image: [not, a, string]\n    ports: 12\n');
      await expect(run('docker-compose', ['-f', 'docker-compose.yml', 'config'], { cwd: dir })).rejects.toThrow();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
