#!/usr/bin/env node
// `npm run stack`: the docker-compose stack without Docker, on loopback. Starts the example model service,
// Alertmanager (alertmanager/alertmanager.yml) and Prometheus (prometheus/prometheus.yml with its targets pointed
// at the example, the rules from prometheus/rules/), prints the URLs, and stops them all on Ctrl-C (or SIGTERM).
// Needs the Debian packages `prometheus` and `prometheus-alertmanager` (or binaries named prometheus/alertmanager
// on PATH). Ports: PERFKIT_STACK_PROMETHEUS_PORT (9090), PERFKIT_STACK_ALERTMANAGER_PORT (9093), and the
// example's own PORT (8080) / PERFKIT_PROMETHEUS_PORT (9464); 0 = any free port. Extra arguments go to the example.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE = path.join(ROOT, 'examples/model-service/dist/main.js');
const children = [];
const tempDirs = [];
let stopping = false;

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
const which = (...bins) => bins.find(has);

function portFromEnv(name, fallback) {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`${name}=${JSON.stringify(text)}: expected a port number 0..65535`);
  return port;
}

/** The port itself, or a free one for 0. */
function resolvePort(port) {
  if (port !== 0) return Promise.resolve(port);
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: free } = server.address();
      server.close(() => resolve(free));
    });
  });
}

function fail(message) {
  process.stderr.write(`stack: ${message}\n`);
  void stopAll(1);
}

function start(name, command, args, env = process.env) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const entry = { name, child, output: '' };
  const keep = (chunk) => {
    entry.output = (entry.output + chunk.toString()).slice(-64 * 1024);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', (chunk) => {
    keep(chunk);
    if (process.env.PERFKIT_STACK_VERBOSE) process.stderr.write(`[${name}] ${chunk}`);
  });
  child.on('exit', (code, signal) => {
    entry.exited = true;
    if (!stopping) fail(`${name} exited (${code ?? signal}):\n${entry.output.slice(-4000)}`);
  });
  child.on('error', (err) => fail(`${name} could not start: ${err.message}`));
  children.push(entry);
  return entry;
}

async function waitFor(what, fn, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (stopping) throw new Error('stopping');
    try {
      const value = await fn();
      if (value) return value;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const ready = (url) => waitFor(url, async () => (await fetch(`${url}/-/ready`)).ok);

function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** prometheus/prometheus.yml with loopback targets, local rule files and the local Alertmanager. */
export function loopbackPrometheusConfig(text, { metricsUrl, alertmanager, rulesDir }) {
  const config = parse(text);
  const metrics = new URL(metricsUrl);
  config.rule_files = (config.rule_files ?? []).map((f) => path.join(rulesDir, path.basename(f)));
  config.alerting = { alertmanagers: [{ static_configs: [{ targets: [alertmanager] }] }] };
  config.scrape_configs = (config.scrape_configs ?? [])
    .filter((job) => job.job_name !== 'otel-collector')
    .map((job) => (job.job_name === 'model-service' ? { ...job, metrics_path: metrics.pathname, static_configs: [{ targets: [metrics.host] }] } : job));
  return stringify(config);
}

async function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  process.stdout.write('stack: stopping\n');
  await Promise.all(
    [...children].reverse().map(
      ({ child, exited }) =>
        new Promise((resolve) => {
          if (exited || child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}

async function main() {
  const prometheusBin = which('prometheus');
  const alertmanagerBin = which('prometheus-alertmanager', 'alertmanager');
  if (!prometheusBin || !alertmanagerBin) {
    return fail('needs Prometheus and Alertmanager: apt-get install prometheus prometheus-alertmanager (or put prometheus and alertmanager on PATH)');
  }
  if (!fs.existsSync(EXAMPLE)) return fail(`${path.relative(ROOT, EXAMPLE)} is missing: run npm run build first (npm run stack does)`);

  const amWanted = portFromEnv('PERFKIT_STACK_ALERTMANAGER_PORT', 9093);
  const promWanted = portFromEnv('PERFKIT_STACK_PROMETHEUS_PORT', 9090);
  if (stopping) return;
  const example = start('example', process.execPath, [EXAMPLE, ...process.argv.slice(2)]);
  const line = await waitFor('example', () => example.output.split('\n').find((l) => l.startsWith('PERFKIT_EXAMPLE_READY ')));
  const urls = JSON.parse(line.slice('PERFKIT_EXAMPLE_READY '.length));

  const amPort = await resolvePort(amWanted);
  const amDir = tempDir('perfkit-stack-alertmanager-');
  start(alertmanagerBin === 'alertmanager' ? 'alertmanager' : 'prometheus-alertmanager', alertmanagerBin, [
    `--config.file=${path.join(ROOT, 'alertmanager/alertmanager.yml')}`,
    `--storage.path=${amDir}`,
    `--web.listen-address=127.0.0.1:${amPort}`,
    '--cluster.listen-address=',
  ]);
  const alertmanagerUrl = `http://127.0.0.1:${amPort}`;

  const promPort = await resolvePort(promWanted);
  const promDir = tempDir('perfkit-stack-prometheus-');
  const configFile = path.join(promDir, 'prometheus.yml');
  const source = fs.readFileSync(path.join(ROOT, 'prometheus/prometheus.yml'), 'utf8');
  fs.writeFileSync(configFile, loopbackPrometheusConfig(source, { metricsUrl: urls.metrics, alertmanager: `127.0.0.1:${amPort}`, rulesDir: path.join(ROOT, 'prometheus/rules') }));
  start('prometheus', prometheusBin, [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${path.join(promDir, 'data')}`,
    `--web.listen-address=127.0.0.1:${promPort}`,
    '--web.enable-lifecycle',
  ]);
  const prometheusUrl = `http://127.0.0.1:${promPort}`;
  await Promise.all([ready(alertmanagerUrl), ready(prometheusUrl)]);

  const stack = { ...urls, prometheus: prometheusUrl, alertmanager: alertmanagerUrl, prometheusConfig: configFile };
  process.stdout.write(`PERFKIT_STACK_READY ${JSON.stringify(stack)}\n`);
  process.stdout.write(
    [
      'perfkit stack is running on loopback:',
      `  example service   ${urls.service ?? urls.app}`,
      ...(urls.dashboard ? [`  dashboard page    ${urls.dashboard}`] : []),
      `  failure knobs     ${urls.knobs}`,
      `  metrics           ${urls.metrics}`,
      `  Prometheus        ${prometheusUrl}   (targets: ${prometheusUrl}/targets, rules: ${prometheusUrl}/rules, alerts: ${prometheusUrl}/alerts)`,
      `  Alertmanager      ${alertmanagerUrl}`,
      'Grafana is not part of this stack: docker compose up adds it with the dashboards provisioned.',
      'Press Ctrl-C to stop everything.',
      '',
    ].join('\n'),
  );
}

process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => fail(err instanceof Error ? err.message : String(err)));
}
