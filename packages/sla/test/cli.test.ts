import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli';

const EXAMPLE = join(__dirname, '../../../examples/sla.yaml');

function setup() {
  const out: string[] = [];
  const err: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'perfkit-sla-cli-'));
  const run = (...argv: string[]) => main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { out, err, dir, run };
}

describe('perfkit-sla', () => {
  it('validates a spec with check and exits 0', () => {
    const { run, out } = setup();
    expect(run('check', '--spec', EXAMPLE)).toBe(0);
    expect(out.join('\n')).toContain('is valid (3 objectives');
  });

  it('exits 1 naming the field when the spec is invalid', () => {
    const { run, err, dir } = setup();
    writeFileSync(join(dir, 'bad.yaml'), 'service: svc\nobjectives:\n  - id: a\n    operation: { type: download }\n    success: { target: 99.5 }\n');
    expect(run('check', '--spec', join(dir, 'bad.yaml'))).toBe(1);
    expect(err.join('\n')).toContain('objectives[a].success.target = 99.5');
  });

  it('writes every file with generate and reports them fresh with --check', () => {
    const { run, dir } = setup();
    expect(run('generate', '--spec', EXAMPLE, '--out', dir)).toBe(0);
    expect(readFileSync(join(dir, 'alertmanager/alertmanager.yml'), 'utf8')).toContain('inhibit_rules');
    expect(run('generate', '--spec', EXAMPLE, '--out', dir, '--check')).toBe(0);
  });

  it('exits 1 with --check when a generated file was edited', () => {
    const { run, dir, err } = setup();
    run('generate', '--spec', EXAMPLE, '--out', dir);
    writeFileSync(join(dir, 'prometheus/rules/sla.rules.yml'), 'groups: []\n');
    expect(run('generate', `--spec=${EXAMPLE}`, `--out=${dir}`, '--check')).toBe(1);
    expect(err.join('\n')).toContain('stale:');
  });

  it('imports a Sloth spec to a valid perfkit spec that says its objectives are Prometheus-only', () => {
    const { run, out, dir } = setup();
    const target = join(dir, 'imported', 'sla.yaml');
    expect(run('import', '--from', 'sloth', join(__dirname, 'fixtures/sloth/kubernetes-apiserver.yml'), '--out', target)).toBe(0);
    const text = readFileSync(target, 'utf8');
    expect(text).toContain('# 2 raw-PromQL objective(s): Prometheus-only');
    expect(text).toContain('window: 30d');
    expect(run('check', '--spec', target)).toBe(0);
    expect(out.join('\n')).toContain('is valid (2 objectives');
  });

  it('refuses an unknown import format, naming the ones it reads, and an unknown export target', () => {
    const { run, err } = setup();
    expect(run('import', '--from', 'pyrra', EXAMPLE)).toBe(1);
    expect(err.join('\n')).toContain('perfkit-sla reads sloth and openslo specs');
    expect(run('export', '--to', 'sloth', '--spec', EXAMPLE)).toBe(1);
    expect(err.join('\n')).toContain('exports to openslo');
  });

  it('exports the objectives as OpenSLO v1 documents', () => {
    const { run, out } = setup();
    expect(run('export', '--to', 'openslo', '--spec', EXAMPLE)).toBe(0);
    expect(out.join('\n').match(/^kind: SLO$/gm)).toHaveLength(3);
  });

  it('refuses, naming the field, a window too short to alert on', () => {
    const { run, err, dir } = setup();
    writeFileSync(join(dir, 'short.yaml'), 'service: svc\nwindow: 6h\nobjectives:\n  - id: a\n    operation: { type: download }\n    success: { target: 0.99 }\n');
    expect(run('generate', '--spec', join(dir, 'short.yaml'), '--out', dir)).toBe(1);
    expect(err.join('\n')).toContain('window = "6h": too short for alerting.minWindow 1m');
  });

  it.each([[[]], [['generate']], [['generate', '--spec', EXAMPLE]], [['lint', '--spec', EXAMPLE]], [['check', '--spec']], [['check', '--bogus', 'x']], [['check', 'x'.repeat(100_000)]]])(
    'prints usage and exits 2 for %j',
    (argv) => {
      const { run, err } = setup();
      expect(run(...(argv as string[]))).toBe(2);
      expect(err.join('\n')).toContain('usage:');
    },
  );
});
