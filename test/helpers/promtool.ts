import { spawnSync } from 'node:child_process';

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
