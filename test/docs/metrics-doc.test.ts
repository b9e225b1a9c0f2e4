import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { METRICS } from '@perfkit/core';

const root = path.resolve(__dirname, '../..');

describe('docs/metrics.md', () => {
  it('is what the generator writes from the metric tables (not stale)', () => {
    expect(() => execFileSync('node', ['scripts/gen-metrics-doc.mjs', '--check'], { cwd: root, stdio: 'pipe' })).not.toThrow();
  });

  it('lists every core metric by its Prometheus name', () => {
    const doc = readFileSync(path.join(root, 'docs/metrics.md'), 'utf8');
    for (const def of Object.values(METRICS)) expect(doc).toContain(`\`${def.prom}\``);
  });
});
