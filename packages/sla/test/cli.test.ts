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

  it.each([[[]], [['generate']], [['generate', '--spec', EXAMPLE]], [['lint', '--spec', EXAMPLE]], [['check', '--spec']], [['check', '--bogus', 'x']], [['check', 'x'.repeat(100_000)]]])(
    'prints usage and exits 2 for %j',
    (argv) => {
      const { run, err } = setup();
      expect(run(...(argv as string[]))).toBe(2);
      expect(err.join('\n')).toContain('usage:');
    },
  );
});
