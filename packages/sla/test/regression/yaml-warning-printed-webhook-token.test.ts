/**
 * Regression: a spec file with a YAML tag perfkit does not resolve (`webhookUrl: !secret https://hooks.slack.com/...`)
 * or an unknown directive was called valid, and the yaml library printed a warning through process.emitWarning
 * quoting the whole line, the webhook's token with it, on the CLI's stderr. Now a warning is a problem of the file,
 * said by its first line only (where it is, never the excerpt), and nothing is emitted.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSlaSpec } from '@perfkit/sla';
import { errorOf } from '../errorOf';

const TOKEN = 'XXXXSECRETTOKEN0123';

function specFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'perfkit-yaml-warning-')), 'sla.yaml');
  writeFileSync(file, text);
  return file;
}

describe('regression: a YAML warning printed a webhook token', () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  beforeEach(() => {
    warnings.length = 0;
    process.on('warning', onWarning);
  });
  afterEach(() => void process.off('warning', onWarning));

  it('refuses an unresolved tag, naming where it is and never the line', async () => {
    const file = specFile(`service: svc\nalertmanager:\n  webhookUrl: !secret https://hooks.slack.com/services/T000/B000/${TOKEN}\n`);
    const err = errorOf(() => loadSlaSpec(file));
    expect(err.message).toBe(`Cannot read SLA spec ${file}: Unresolved tag: !secret at line 3, column 15:`);
    expect(JSON.stringify(err.problems)).not.toContain(TOKEN);
    await new Promise((r) => setImmediate(r)); // process warnings are emitted on a later tick
    expect(warnings).toEqual([]);
  });

  it('refuses an unknown directive the same way', async () => {
    const file = specFile(`%FOO https://hooks.slack.com/services/T000/B000/${TOKEN}\n---\nservice: svc\n`);
    const err = errorOf(() => loadSlaSpec(file));
    expect(err.message).not.toContain(TOKEN);
    expect(err.message).toMatch(/^Cannot read SLA spec .*: .*directive.* at line 1, column 1/i);
    await new Promise((r) => setImmediate(r));
    expect(warnings).toEqual([]);
  });

  it('still reads a plain spec', () => {
    expect(loadSlaSpec(specFile('service: svc\n')).service).toBe('svc');
  });
});
