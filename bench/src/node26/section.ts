import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const BEGIN = '<!-- node26:begin (from docs/benchmarks-node26.md, written by npm run bench:node26) -->';
const END = '<!-- node26:end -->';

/**
 * Puts the Node 26 run (docs/benchmarks-node26.md: @prometheus-io/client and OpenTelemetry SDK 3) into
 * docs/benchmarks.md before "## Running it", replacing an earlier copy, so the page shows both generations of
 * peers whichever of the two benches ran last.
 */
export function withNode26Section(markdown: string, docsDir: string): string {
  const file = path.join(docsDir, 'benchmarks-node26.md');
  if (!existsSync(file)) return markdown;
  const body = readFileSync(file, 'utf8').replace(/^# Benchmarks: the 2026 peers on Node 26/, '## The 2026 peers on Node 26').replace(/^## Targets$/m, '### Targets (Node 26)');
  const section = `${BEGIN}\n${body.trim()}\n${END}\n\n`;
  const start = markdown.indexOf(BEGIN);
  if (start >= 0) {
    const end = markdown.indexOf(END, start);
    return markdown.slice(0, start) + section + markdown.slice(end + END.length).replace(/^\n+/, '');
  }
  const at = markdown.indexOf('## Running it');
  return at >= 0 ? markdown.slice(0, at) + section + markdown.slice(at) : `${markdown.trimEnd()}\n\n${section}`;
}
