import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { startProcess, type ManagedProcess } from './ChildProcess';
import { freePort } from './ports';
import { waitFor } from './waitFor';

/** A scrape target: a /metrics URL, optionally with the job name and extra labels. */
export type ScrapeTarget = string | { readonly url: string; readonly job?: string; readonly labels?: Record<string, string> };

/** Options of {@link startPrometheus}. */
export interface StartPrometheusOptions {
  /** /metrics URLs to scrape (job `model-service` unless given). Ignored when `configYaml` is given. */
  readonly scrapeTargets?: readonly ScrapeTarget[];
  /** A whole prometheus.yml instead of the generated one (rule files and Alertmanager are still added when given). */
  readonly configYaml?: string;
  /** Rule files (absolute paths) to load. */
  readonly ruleFiles?: readonly string[];
  /** Alertmanager base URL, e.g. http://127.0.0.1:9093. */
  readonly alertmanagerUrl?: string;
  /** Rule evaluation interval (default 1s). */
  readonly evalInterval?: string;
  /** Scrape interval (default 1s). */
  readonly scrapeInterval?: string;
  /** Binary (default `prometheus` on PATH). */
  readonly binary?: string;
}

/** One sample of an instant query result. */
export interface PromSample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

/** A Prometheus server started by a test on a free loopback port with a temporary data directory. */
export interface StartedPrometheus {
  /** Base URL, e.g. http://127.0.0.1:41234. */
  readonly url: string;
  /** The temporary directory holding its config and data. */
  readonly dir: string;
  /** The config file it runs with. */
  readonly configFile: string;
  readonly process: ManagedProcess;
  /** Instant query through the HTTP API; rejects with Prometheus' error text on a bad query. */
  query(promql: string, time?: number): Promise<PromSample[]>;
  /** Any GET under /api/v1 (e.g. `targets`, `rules`, `alerts`); resolves with `data`. */
  api<T = unknown>(pathAndQuery: string): Promise<T>;
  /** Waits until every target is up and has been scraped at least once. */
  waitForTargets(timeoutMs?: number): Promise<void>;
  /** Stops it and deletes the temporary directory. Idempotent. */
  stop(): Promise<void>;
}

/** Builds a prometheus.yml (as an object) from the options. */
export function prometheusConfig(options: StartPrometheusOptions): Record<string, unknown> {
  const base: Record<string, unknown> = options.configYaml
    ? (parse(options.configYaml) as Record<string, unknown>)
    : { scrape_configs: scrapeConfigs(options.scrapeTargets ?? []) };
  const global = { scrape_interval: options.scrapeInterval ?? '1s', evaluation_interval: options.evalInterval ?? '1s', ...(base.global as object) };
  const config: Record<string, unknown> = { ...base, global };
  if (options.ruleFiles?.length) config.rule_files = [...((base.rule_files as string[]) ?? []), ...options.ruleFiles];
  if (options.alertmanagerUrl) {
    const u = new URL(options.alertmanagerUrl);
    config.alerting = { alertmanagers: [{ scheme: u.protocol.replace(':', ''), path_prefix: u.pathname, static_configs: [{ targets: [u.host] }] }] };
  }
  return config;
}

function scrapeConfigs(targets: readonly ScrapeTarget[]): unknown[] {
  const jobs = new Map<string, { job_name: string; metrics_path: string; scrape_interval?: string; static_configs: unknown[] }>();
  for (const target of targets) {
    const t = typeof target === 'string' ? { url: target } : target;
    const u = new URL(t.url);
    const job = t.job ?? 'model-service';
    const key = `${job} ${u.pathname}`;
    let entry = jobs.get(key);
    if (!entry) {
      entry = { job_name: jobs.has(job) ? `${job}-${jobs.size}` : job, metrics_path: u.pathname, static_configs: [] };
      jobs.set(key, entry);
    }
    entry.static_configs.push({ targets: [u.host], ...(t.labels ? { labels: t.labels } : {}) });
  }
  return [...jobs.values()];
}

/** Starts a real Prometheus (the Debian `prometheus` binary) scraping the given targets. */
export async function startPrometheus(options: StartPrometheusOptions = {}): Promise<StartedPrometheus> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-prometheus-'));
  const configFile = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(configFile, stringify(prometheusConfig(options)));
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const proc = startProcess(options.binary ?? 'prometheus', [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      '--log.level=warn',
    ]);
    try {
      await Promise.race([
        waitFor(async () => (await fetch(`${url}/-/ready`)).ok, 20_000, 100),
        proc.exited.then((code) => {
          throw new Error(`prometheus exited (${String(code)})`);
        }),
      ]);
      return handle(url, dir, configFile, proc);
    } catch (err) {
      lastError = new Error(`${(err as Error).message}\n--- prometheus output ---\n${proc.output()}`);
      await proc.stop();
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  throw lastError;
}

function handle(url: string, dir: string, configFile: string, proc: ManagedProcess): StartedPrometheus {
  const api = async <T>(pathAndQuery: string): Promise<T> => {
    const res = await fetch(`${url}/api/v1/${pathAndQuery}`);
    const body = (await res.json()) as { status: string; data: T; error?: string; errorType?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${pathAndQuery}: ${body.errorType}: ${body.error}`);
    return body.data;
  };
  let stopping: Promise<void> | undefined;
  return {
    url,
    dir,
    configFile,
    process: proc,
    api,
    async query(promql, time) {
      const params = new URLSearchParams({ query: promql, ...(time !== undefined ? { time: String(time) } : {}) });
      const data = await api<{ resultType: string; result: PromSample[] | [number, string] }>(`query?${params}`);
      if (data.resultType === 'scalar' || data.resultType === 'string') return [{ metric: {}, value: data.result as [number, string] }];
      return data.result as PromSample[];
    },
    async waitForTargets(timeoutMs = 20_000) {
      await waitFor(async () => {
        const data = await api<{ activeTargets: { health: string; lastError: string; scrapeUrl: string }[] }>('targets');
        const bad = data.activeTargets.filter((t) => t.health !== 'up');
        if (data.activeTargets.length === 0 || bad.length) throw new Error(`targets not up: ${JSON.stringify(bad)}`);
        return true;
      }, timeoutMs);
    },
    stop: () =>
      (stopping ??= (async () => {
        await proc.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      })()),
  };
}
