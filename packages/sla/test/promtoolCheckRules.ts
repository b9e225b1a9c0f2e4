import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * The real `promtool check rules` verdict on each expression (`{{.window}}` replaced by 5m), all in one run: one
 * recording rule per expression, in one file. Each entry is promtool's error for that rule, undefined when it
 * accepts it.
 */
export function promtoolRuleErrors(expressions: readonly string[]): Array<string | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'perfkit-sla-check-rules-'));
  try {
    const file = join(dir, 'rules.yml');
    const rules = expressions.map((e, i) => ({ record: `t:${i}`, expr: e.replaceAll('{{.window}}', '5m') }));
    writeFileSync(file, stringify({ groups: [{ name: 't', rules }] }));
    const run = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    if (run.error) throw run.error;
    const output = `${run.stdout}${run.stderr}`;
    const errors: Array<string | undefined> = expressions.map(() => undefined);
    for (const m of output.matchAll(/"t:(\d+)": (.*)$/gm)) errors[Number(m[1])] = m[2];
    // A failed run must have named a rule; anything else (a YAML error) is not a verdict on the expressions.
    if ((run.status !== 0) !== errors.some((e) => e !== undefined)) throw new Error(`promtool check rules: ${output}`);
    return errors;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
