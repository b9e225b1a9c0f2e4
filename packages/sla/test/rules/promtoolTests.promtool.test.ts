/*
 * The generated promtool tests, run by promtool itself (`promtool test rules`): they must pass on the generated
 * rules and fail on a weakened one. Kept apart from promtoolTests.test.ts (the written tests checked against
 * hand-computed expectations) because each promtool run takes seconds: the mutation run of promtoolTests.ts
 * (scripts/mutation-scope.mjs) loads only the fast file.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateFiles, OUTPUT_PATHS, parseSlaSpec } from '@perfkit/sla';

/** Generates the files of `input` into a temporary directory and runs promtool on them. */
function setup(input: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'perfkit-sla-promtool-'));
  const { files, warnings } = generateFiles(parseSlaSpec(input));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  const tests = [OUTPUT_PATHS.tests, OUTPUT_PATHS.windowTests, OUTPUT_PATHS.limitTests].filter((p) => p in files).map((p) => join(dir, p));
  const run = () => execFileSync('promtool', ['test', 'rules', ...tests], { encoding: 'utf8', stdio: 'pipe' });
  return { dir, files, warnings, run };
}

describe('promtoolTests', () => {
  it('writes tests promtool passes for a low objective, no traffic guard, a custom type and explicit bad outcomes', () => {
    const { run, warnings, files } = setup({
      service: 'edge "svc"',
      window: '7d',
      objectives: [
        { id: 'low', operation: { type: 'indexing' }, success: { target: 0.9, badOutcomes: ['timeout'] } },
        { id: 'lat', operation: { type: 'indexing', name: 'build' }, latency: { threshold: '1s', target: 0.95 } },
      ],
      alerting: { minEvents: 0 },
    });
    expect(warnings.join('\n')).toContain('dropped');
    expect(files[OUTPUT_PATHS.tests]).toContain('le="1.0"');
    expect(run()).toContain('SUCCESS');
  });

  it('writes tests promtool passes for limits alone, with a selector and a guard', () => {
    const { run, files } = setup({
      service: 'svc',
      selector: { job: 'api', env: 'prod' },
      resources: { diskFree: { min: 0.2, for: '2m' }, eventLoopDelay: { max: 0.25, for: '1m' } },
      guards: [{ name: 'pool', queueWait: { max: 0.25, for: '1m' }, utilization: { max: 0.5, for: '30s' } }],
    });
    expect(files[OUTPUT_PATHS.limitTests]).toContain('guard: pool');
    expect(run().match(/SUCCESS/g)).toHaveLength(2);
  });

  it('writes tests that fail when a generated rule is weakened', () => {
    const { run, dir, files } = setup({ service: 'svc', objectives: [{ id: 'dl', operation: { type: 'download' }, success: { target: 0.99 } }] });
    // 13.44 x 0.01 = 0.1344: the fast page raised out of reach.
    writeFileSync(join(dir, OUTPUT_PATHS.rules), files[OUTPUT_PATHS.rules]!.replace(/> 0\.1344\n/g, '> 0.9\n'));
    expect(run).toThrow(/FAILED/);
  });
});
