import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

/** What `promtool check metrics` said of an exposition text: exit status and report (empty when clean). */
export interface PromtoolReport {
  readonly status: number | null;
  readonly report: string;
}

/** Runs the real `promtool check metrics` on exposition text (the test set-up installs promtool). */
export function promtoolCheckMetrics(text: string): PromtoolReport {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (run.error) throw run.error;
  return { status: run.status, report: `${run.stdout}${run.stderr}`.trim() };
}

/** What `promtool test rules` said: whether every test passed, and its output (stdout and stderr). */
export interface PromtoolTestRun {
  readonly ok: boolean;
  readonly output: string;
}

/**
 * Runs the real `promtool test rules` on `tests` (the rule-test file's `tests:` list) in a temporary directory, with
 * `files` (relative path -> text) written beside it and named as its rule files; with no files, an empty rule file,
 * so the tests evaluate `promql_expr_test` expressions over their input series alone.
 */
export function promtoolTestRules(tests: readonly unknown[], files: Readonly<Record<string, string>> = { 'empty.rules.yml': 'groups: []\n' }): PromtoolTestRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-promtool-test-'));
  try {
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    fs.writeFileSync(path.join(dir, 'test.yml'), stringify({ rule_files: Object.keys(files), evaluation_interval: '1m', tests }));
    const run = spawnSync('promtool', ['test', 'rules', 'test.yml'], { cwd: dir, encoding: 'utf8' });
    if (run.error) throw run.error;
    return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
