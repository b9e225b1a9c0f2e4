import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt, promtoolCheckMetrics, REPO_ROOT } from '../helpers';

/*
 * What a user gets from npm: every package is packed (`npm pack`), installed from its tarball into a fresh project
 * outside the monorepo (third-party packages from npm's cache, `--prefer-offline`; the registry when missing), and
 * used there: CommonJS and ESM consumers that serve /metrics, a strict TypeScript consumer (node16 and bundler
 * resolution), `npm publish --dry-run`. Each package installs alone: core alone; host, sla, dashboard with core
 * (sla brings host, its dependency for metric names). An app with OpenTelemetry SDK 3 on Node 26 installs perfkit
 * next to it and gets one SDK, used by both. One install per project, shared by the checks below.
 */

// Consumers run concurrently while the machine runs other suites: a check may wait its turn for a core.
jest.setTimeout(240_000);

const NODE26 = path.join(REPO_ROOT, 'tools', 'node26', 'node_modules', 'node', 'bin', 'node');
const TSC = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const CONSUMERS = path.join(__dirname, 'consumers');
const PACKAGES = ['core', 'host', 'sla', 'dashboard'] as const;
type Pkg = (typeof PACKAGES)[number];
// The exact SDK 3 line tools/node26 holds (so npm's cache has it after `npm test`'s set-up).
const SDK3 = ['@opentelemetry/api@1.10.0', '@opentelemetry/sdk-metrics@3.1.1'];

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(command, [...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (err) => resolve({ code: -1, stdout, stderr: stderr + String(err) }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Fails with the command's output when it did not exit 0. */
function ok(ran: Ran, what: string): Ran {
  if (ran.code !== 0) throw new Error(`${what} exited ${ran.code}\n${ran.stdout.slice(-4000)}\n${ran.stderr.slice(-4000)}`);
  return ran;
}

/** npm's own CLI script, so the SDK 3 project can be installed by the Node it runs on (npm picks versions by engine). */
function npmCli(): string {
  const bundled = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  if (fs.existsSync(bundled)) return bundled;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const npm = path.join(dir, 'npm');
    if (fs.existsSync(npm)) return fs.realpathSync(npm);
  }
  throw new Error('npm not found');
}

const INSTALL_FLAGS = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

let work: string;
const tarballs = {} as Record<Pkg, string>;
const packedFiles = {} as Record<Pkg, string[]>;
const projects = {} as Record<Pkg | 'sdk3', string>;
let publishOutput: Ran;
let checks: Record<'coreCjs' | 'coreEsm' | 'coreTsNode16' | 'coreTsBundler' | 'otlpWithoutExporter' | 'host' | 'sla' | 'slaBin' | 'slaTs' | 'dashboard' | 'dashboardTs' | 'sdk3', Promise<Ran>>;

async function makeProject(name: keyof typeof projects, specs: string[], node?: string): Promise<void> {
  const dir = path.join(work, `project-${name}`);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, version: '1.0.0', private: true }));
  for (const file of fs.readdirSync(CONSUMERS)) fs.copyFileSync(path.join(CONSUMERS, file), path.join(dir, file));
  const [cmd, args] = node ? [node, [npmCli(), ...INSTALL_FLAGS, ...specs]] : ['npm', [...INSTALL_FLAGS, ...specs]];
  ok(await run(cmd, args, dir), `npm install in project-${name}`);
  projects[name] = dir;
}

beforeAll(async () => {
  ensureBuilt('packages/dashboard', 'index.js'); // builds core, host and sla too (npm test has built them already)
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-packaging-'));
  const packed = ok(
    // --ignore-scripts: the dashboard's prepack would rebuild dist/public under the browser test running beside this
    // one; `npm ci` built the page (root prepare), and the tarball check below fails if it is missing.
    await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work, ...PACKAGES.flatMap((p) => ['-w', `packages/${p}`])], REPO_ROOT),
    'npm pack',
  );
  const entries = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { name: string; filename: string; files: { path: string }[] }[];
  for (const e of entries) {
    const pkg = e.name.replace('@perfkit/', '') as Pkg;
    tarballs[pkg] = path.join(work, e.filename);
    packedFiles[pkg] = e.files.map((f) => f.path);
  }
  const t = (...p: Pkg[]) => p.map((x) => tarballs[x]);
  await Promise.all([
    makeProject('core', t('core')),
    makeProject('host', t('core', 'host')),
    makeProject('sla', t('core', 'host', 'sla')),
    makeProject('dashboard', t('core', 'dashboard')),
    makeProject('sdk3', [...SDK3, ...t('core')], NODE26),
    (async () => {
      publishOutput = await run('npm', ['publish', '--dry-run', '--ignore-scripts', ...PACKAGES.flatMap((p) => ['-w', `packages/${p}`])], REPO_ROOT);
    })(),
  ]);
  // Every consumer runs at once (tsc is most of the time); the tests below await their own.
  const node = (project: keyof typeof projects, ...args: string[]) => run(process.execPath, args, projects[project]);
  const tsc = (project: keyof typeof projects, resolution: string, file: string) => node(project, TSC, '-p', writeTsconfig(projects[project], resolution, file));
  const otlpWithoutExporter =
    "try { require('@perfkit/core').createPerfkit({ otlp: { url: 'http://127.0.0.1:4318/v1/metrics' }, prometheus: false }) } catch (e) { console.log(e.code + ' ' + e.message) }";
  checks = {
    coreCjs: node('core', 'core.cjs'),
    coreEsm: node('core', 'core.mjs'),
    coreTsNode16: tsc('core', 'node16', 'core.ts'),
    coreTsBundler: tsc('core', 'bundler', 'core.ts'),
    otlpWithoutExporter: node('core', '-e', otlpWithoutExporter),
    host: node('host', 'host.cjs'),
    sla: node('sla', 'sla.mjs'),
    slaBin: run(path.join(projects.sla, 'node_modules', '.bin', 'perfkit-sla'), ['--help'], projects.sla),
    slaTs: tsc('sla', 'node16', 'sla.ts'),
    dashboard: node('dashboard', 'dashboard.cjs'),
    dashboardTs: tsc('dashboard', 'node16', 'dashboard.ts'),
    sdk3: run(NODE26, ['sdk3-app.mjs'], projects.sdk3),
  };
  for (const p of Object.values(checks)) p.catch(() => undefined);
}, 300_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Every installed copy of `name` in a project (nested ones included). */
function copiesOf(project: string, name: string): string[] {
  const found: string[] = [];
  const walk = (nm: string) => {
    if (!fs.existsSync(nm)) return;
    for (const entry of fs.readdirSync(nm)) {
      const dirs = entry.startsWith('@') ? fs.readdirSync(path.join(nm, entry)).map((e) => path.join(nm, entry, e)) : [path.join(nm, entry)];
      for (const dir of dirs) {
        if (path.relative(nm, dir).replace(/\\/g, '/') === name) found.push(dir);
        walk(path.join(dir, 'node_modules'));
      }
    }
  };
  walk(path.join(project, 'node_modules'));
  return found;
}

function installedPerfkit(project: string): string[] {
  const dir = path.join(project, 'node_modules', '@perfkit');
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

const OPERATION_LINE = /perfkit_operation_duration_seconds_count\{operation_type="download",operation_name="weights",operation_outcome="success"\} 1\n/;

describe('the tarballs', () => {
  it.each(PACKAGES)('@perfkit/%s carries its LICENSE, README, CHANGELOG, code, types and sources, and nothing runs at install', (pkg) => {
    const files = packedFiles[pkg];
    for (const f of ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'src/index.ts']) expect(files).toContain(f);
    expect(files.filter((f) => f.includes('/test/') || f.endsWith('.tsbuildinfo'))).toEqual([]);
    const manifest = JSON.parse(fs.readFileSync(path.join(projects[pkg], 'node_modules', '@perfkit', pkg, 'package.json'), 'utf8')) as Record<string, any>;
    expect(Object.keys(manifest.scripts ?? {}).filter((s) => /^(pre|post)?(install|prepare)$/.test(s))).toEqual([]);
    expect(manifest.engines.node).toBe('>=20.6');
    expect(manifest.sideEffects).toBe(false);
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
  });

  it('@perfkit/dashboard ships its page bundle', () => {
    expect(packedFiles.dashboard).toEqual(expect.arrayContaining(['dist/public/index.html', 'dist/public/app.js', 'dist/public/app.css']));
  });

  it.each(PACKAGES)('every source map of @perfkit/%s points at files inside the package', (pkg) => {
    const root = path.join(projects[pkg], 'node_modules', '@perfkit', pkg);
    const dangling: string[] = [];
    let maps = 0;
    for (const file of packedFiles[pkg].filter((f) => f.endsWith('.map'))) {
      maps++;
      const map = JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as { sources: string[]; sourceRoot?: string };
      for (const source of map.sources) {
        const resolved = path.resolve(path.dirname(path.join(root, file)), map.sourceRoot ?? '', source);
        if (!resolved.startsWith(root + path.sep) || !fs.existsSync(resolved)) dangling.push(`${file} -> ${source}`);
      }
    }
    expect(maps).toBeGreaterThan(10);
    expect(dangling).toEqual([]);
  });

  it('npm publish --dry-run accepts every package', () => {
    expect(publishOutput.code).toBe(0);
    for (const pkg of PACKAGES) {
      const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'packages', pkg, 'package.json'), 'utf8')) as { version: string };
      expect(publishOutput.stdout).toContain(`+ @perfkit/${pkg}@${version}`);
    }
  });
});

describe('@perfkit/core installed alone', () => {
  it('brings one OpenTelemetry SDK (2.x on Node 20) and no other perfkit package', () => {
    expect(installedPerfkit(projects.core)).toEqual(['core']);
    expect(copiesOf(projects.core, '@opentelemetry/sdk-metrics')).toHaveLength(1);
    expect(copiesOf(projects.core, '@opentelemetry/api')).toHaveLength(1);
    expect(copiesOf(projects.core, '@opentelemetry/exporter-metrics-otlp-http')).toEqual([]); // optional peer
  });

  it('serves /metrics to a CommonJS consumer, promtool clean', async () => {
    const ran = ok(await checks.coreCjs, 'core.cjs');
    expect(ran.stdout.startsWith('status 200\n')).toBe(true);
    const text = ran.stdout.slice('status 200\n'.length);
    expect(text).toMatch(OPERATION_LINE);
    expect(text).toContain('service_name="consumer-cjs"');
    expect(promtoolCheckMetrics(text)).toEqual({ status: 0, report: '' });
  });

  it('serves /metrics to an ES module consumer', async () => {
    const ran = ok(await checks.coreEsm, 'core.mjs');
    expect(ran.stdout.split('\n')[0]).toBe('status 200 perfkit.operation.duration');
    expect(ran.stdout).toMatch(OPERATION_LINE);
  });

  it.each(['node16', 'bundler'])('type-checks a strict TypeScript consumer with moduleResolution %s', async (resolution) => {
    const ran = await (resolution === 'bundler' ? checks.coreTsBundler : checks.coreTsNode16);
    expect(ran.stdout + ran.stderr).toBe('');
    expect(ran.code).toBe(0);
  });

  it('fails at start-up with a message naming the package when OTLP is asked for without its exporter', async () => {
    const ran = ok(await checks.otlpWithoutExporter, 'otlp without exporter');
    expect(ran.stdout).toContain('PERFKIT_ERR_INVALID_CONFIG');
    expect(ran.stdout).toContain('@opentelemetry/exporter-metrics-otlp-http');
  });
});

/**
 * A tsconfig for the consumer `file` in `project`; Node's types come from the monorepo (no @types install needed).
 * skipLibCheck keeps tsc to seconds (checking all of @types/node takes 20 s here); each consumer instead carries
 * `@ts-expect-error` probes that only hold when our types resolved to real ones rather than `any`.
 */
function writeTsconfig(project: string, resolution: string, file: string): string {
  const name = `tsconfig.${path.basename(file, '.ts')}.${resolution}.json`;
  const module = resolution === 'bundler' ? { module: 'ESNext', moduleResolution: 'Bundler' } : { module: 'Node16', moduleResolution: 'Node16' };
  const compilerOptions = { strict: true, ...module, target: 'ES2022', lib: ['ES2022', 'DOM'], typeRoots: [path.join(REPO_ROOT, 'node_modules', '@types')], types: ['node'], skipLibCheck: true, noEmit: true };
  fs.writeFileSync(path.join(project, name), JSON.stringify({ compilerOptions, files: [file] }));
  return name;
}

describe('@perfkit/host installed with @perfkit/core', () => {
  it('adds only itself, and its gauges reach /metrics', async () => {
    expect(installedPerfkit(projects.host)).toEqual(['core', 'host']);
    const ran = ok(await checks.host, 'host.cjs');
    expect(ran.stdout).toMatch(/^process_cpu_time_seconds_total\{/m);
    expect(ran.stdout).toMatch(/^system_memory_usage_bytes\{/m);
  });
});

describe('@perfkit/sla installed with @perfkit/core', () => {
  it('brings @perfkit/host (its metric names) and nothing else, generates rules and runs its plug-in', async () => {
    expect(installedPerfkit(projects.sla)).toEqual(['core', 'host', 'sla']);
    const ran = ok(await checks.sla, 'sla.mjs');
    const result = JSON.parse(ran.stdout) as { groups: number; alerts: number };
    expect(result.groups).toBeGreaterThan(0);
    expect(result.alerts).toBeGreaterThan(0);
  });

  it('installs its perfkit-sla command', async () => {
    const ran = await checks.slaBin;
    expect(ran.stdout + ran.stderr).toContain('generate');
  });

  it('type-checks host and sla consumers strictly', async () => {
    const ran = await checks.slaTs;
    expect(ran.stdout + ran.stderr).toBe('');
  });
});

describe('@perfkit/dashboard installed with @perfkit/core only', () => {
  it('serves its page, assets and health without host or sla (optional peers)', async () => {
    expect(installedPerfkit(projects.dashboard)).toEqual(['core', 'dashboard']);
    const ran = ok(await checks.dashboard, 'dashboard.cjs');
    const result = JSON.parse(ran.stdout) as { page: number; scripts: string[]; assets: number[]; health: number };
    expect(result.page).toBe(200);
    expect(result.scripts.length).toBeGreaterThan(0);
    expect(result.assets.every((s) => s === 200)).toBe(true);
    expect(result.health).toBe(200);
  });

  it('type-checks strictly without host or sla installed', async () => {
    const ran = await checks.dashboardTs;
    expect(ran.stdout + ran.stderr).toBe('');
  });
});

describe('@perfkit/core next to an app on OpenTelemetry SDK 3, on Node 26', () => {
  let result: { node: string; sdkVersion: string; perfkitSdk: string; exportedNames: string[]; durationCount: number; scrape: string };
  beforeAll(async () => {
    const ran = ok(await checks.sdk3, 'sdk3-app.mjs on Node 26');
    result = JSON.parse(ran.stdout);
  });

  it("leaves one SDK installed, the app's, and perfkit uses it", () => {
    const copies = copiesOf(projects.sdk3, '@opentelemetry/sdk-metrics');
    expect(copies).toEqual([path.join(projects.sdk3, 'node_modules', '@opentelemetry', 'sdk-metrics')]);
    expect(result.sdkVersion).toBe('3.1.1');
    expect(result.perfkitSdk).toBe(copies[0]);
    expect(copiesOf(projects.sdk3, '@opentelemetry/api')).toHaveLength(1);
    expect(result.node.split('.')[0]).toBe('26');
  });

  it("gets perfkit's operations through perf.metricProducer() into the app's exporter, once each", () => {
    expect(result.durationCount).toBe(2);
    for (const name of ['app.requests', 'perfkit.operation.duration', 'perfkit.plugin.level']) {
      expect(result.exportedNames.filter((n) => n === name)).toHaveLength(1);
    }
  });

  it("shows the app's instruments on perfkit's /metrics through perf.metricReader(), promtool clean", () => {
    expect(result.scrape).toContain('app_requests_total{route="/x"} 5\n');
    expect(result.scrape).toMatch(/perfkit_operation_duration_seconds_count\{[^}]*\} 2\n/);
    expect(promtoolCheckMetrics(result.scrape)).toEqual({ status: 0, report: '' });
  });
});
