import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateFiles, loadSlaSpec, OUTPUT_PATHS } from '@perfkit/sla';

const ROOT = join(__dirname, '../../..');
const SPEC = 'examples/sla.yaml';

function setup() {
  return generateFiles(loadSlaSpec(join(ROOT, SPEC)), { source: SPEC });
}

describe('generated files of the example spec', () => {
  it('are committed and up to date (run npm run sla:generate when this fails)', () => {
    const { files } = setup();
    const stale = Object.entries(files).filter(([path, text]) => {
      try {
        return readFileSync(join(ROOT, path), 'utf8') !== text;
      } catch {
        return true;
      }
    });
    expect(stale.map(([p]) => p)).toEqual([]);
  });

  it('leave no runbook behind for an alert that no longer exists', () => {
    const { files } = setup();
    const committed = readdirSync(join(ROOT, OUTPUT_PATHS.runbooks)).map((f) => `${OUTPUT_PATHS.runbooks}/${f}`);
    expect(committed.filter((p) => !(p in files))).toEqual([]);
  });

  it('hold a runbook for every alert name in the rules', () => {
    const { files } = setup();
    const names = [...files[OUTPUT_PATHS.rules]!.matchAll(/- alert: (\w+)/g)].map((m) => m[1]!);
    const runbooks = [...files[OUTPUT_PATHS.rules]!.matchAll(/runbook_url: \S+\/([a-z-]+\.md)/g)].map((m) => m[1]!);
    expect(new Set(runbooks).size).toBe(new Set(names).size);
    for (const r of runbooks) expect(files[`${OUTPUT_PATHS.runbooks}/${r}`]).toBeDefined();
  });

  it('raise no warning for the example spec', () => {
    expect(setup().warnings).toEqual([]);
  });
});
