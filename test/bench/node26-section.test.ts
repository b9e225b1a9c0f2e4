import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withNode26Section } from '../../bench/src/node26/section';

// docs/benchmarks.md gets the Node 26 run (the 2026 peers) before "## Running it", once, whichever bench ran last.

function setup(node26?: string) {
  const docs = fs.mkdtempSync(path.join(os.tmpdir(), 'node26-section-'));
  if (node26 !== undefined) fs.writeFileSync(path.join(docs, 'benchmarks-node26.md'), node26);
  return docs;
}

const PAGE = '# Benchmarks\n\n## Record path\n\n| a |\n\n## Running it\n\nnpm run bench\n';
const RUN = '# Benchmarks: the 2026 peers on Node 26\n\n| figure | perfkit |\n\n## Targets\n\n- met: x\n';

describe('withNode26Section', () => {
  it('inserts the Node 26 run before "## Running it", its headings one level down', () => {
    const out = withNode26Section(PAGE, setup(RUN));
    expect(out.indexOf('## The 2026 peers on Node 26')).toBeGreaterThan(out.indexOf('## Record path'));
    expect(out.indexOf('## The 2026 peers on Node 26')).toBeLessThan(out.indexOf('## Running it'));
    expect(out).toContain('### Targets (Node 26)\n\n- met: x');
    expect(out).not.toContain('# Benchmarks: the 2026');
  });

  it('replaces an earlier copy instead of adding a second one', () => {
    const docs = setup(RUN);
    const once = withNode26Section(PAGE, docs);
    fs.writeFileSync(path.join(docs, 'benchmarks-node26.md'), RUN.replace('met: x', 'met: y'));
    const twice = withNode26Section(once, docs);
    expect(twice.match(/## The 2026 peers on Node 26/g)).toHaveLength(1);
    expect(twice).toContain('met: y');
    expect(twice).not.toContain('met: x');
    expect(twice.endsWith('## Running it\n\nnpm run bench\n')).toBe(true);
  });

  it('leaves the page alone when Node 26 has not run', () => {
    expect(withNode26Section(PAGE, setup())).toBe(PAGE);
  });
});
