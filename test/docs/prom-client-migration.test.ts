import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as semconv from '@opentelemetry/semantic-conventions/incubating';
import { HOST_METRICS } from '@perfkit/host';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { REPO_ROOT } from '../helpers';

// docs/prom-client-migration.md against the real libraries: prom-client's and @prometheus-io/client's default
// metrics (the latter on Node 26, which it needs), the semantic-conventions registry, and perfkit's HOST_METRICS.

const DOC = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'prom-client-migration.md'), 'utf8');
const NODE26 = path.join(REPO_ROOT, 'tools', 'node26', 'node_modules', 'node', 'bin', 'node');

function mappingRows(): { from: string; to: string }[] {
  const table = DOC.slice(0, DOC.indexOf('## The runtime names'));
  return [...table.matchAll(/^\| `([a-z0-9_:]+)` \| ([^|]+) \|/gm)].map((m) => ({ from: m[1]!, to: m[2]!.trim() }));
}

async function promClientNames(): Promise<string[]> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return (await registry.getMetricsAsJSON()).map((m) => m.name);
}

function prometheusIoClientNames(): string[] {
  const script = `const { createRequire } = require('node:module');
const req = createRequire(${JSON.stringify(path.join(REPO_ROOT, 'tools', 'node26', 'package.json'))});
const c = req('@prometheus-io/client'); const r = new c.Registry(); c.collectDefaultMetrics({ register: r });
Promise.resolve(r.getMetricsAsJSON()).then((m) => process.stdout.write(JSON.stringify(m.map((x) => x.name))));`;
  return JSON.parse(execFileSync(NODE26, ['-e', script], { encoding: 'utf8' })) as string[];
}

describe('docs/prom-client-migration.md', () => {
  it('lists every default metric of prom-client and of @prometheus-io/client', async () => {
    const listed = new Set(mappingRows().map((r) => r.from));
    const names = [...new Set([...(await promClientNames()), ...prometheusIoClientNames()])];
    expect(names.length).toBeGreaterThan(25);
    expect(names.filter((n) => !listed.has(n))).toEqual([]);
  });

  it('maps only to metrics perfkit writes', () => {
    const written = new Set(Object.values(HOST_METRICS).map((d) => d.prom));
    const targets = mappingRows()
      .filter((r) => r.to !== 'none')
      .map((r) => /^`([a-z0-9_:]+)/.exec(r.to)?.[1])
      .filter((n) => n !== 'target_info');
    expect(targets.length).toBeGreaterThan(10);
    expect(targets.filter((n) => !n || !written.has(n))).toEqual([]);
  });

  it('says, for every runtime name not in the semantic-conventions registry, why', () => {
    const registry = new Set(Object.entries(semconv as unknown as Record<string, string>).filter(([k]) => k.startsWith('METRIC_')).map(([, v]) => v));
    const runtime = Object.values(HOST_METRICS).map((d) => d.otel).filter((n) => /^(process|nodejs|v8js)\./.test(n));
    expect(runtime.length).toBeGreaterThan(8);
    const section = DOC.slice(DOC.indexOf('## The runtime names'));
    const explained = section.split('\n').filter((l) => /not in the registry|renamed from/.test(l)).join('\n');
    const unexplained = runtime.filter((n) => !registry.has(n) && !explained.includes(`\`${n}\``));
    expect(unexplained).toEqual([]);
    // and the names claimed to be in the registry are
    for (const n of ['process.cpu.time', 'process.cpu.utilization', 'process.memory.usage', 'nodejs.eventloop.delay.p99', 'nodejs.eventloop.utilization', 'v8js.gc.duration']) {
      expect([n, registry.has(n)]).toEqual([n, true]);
    }
  });
});
