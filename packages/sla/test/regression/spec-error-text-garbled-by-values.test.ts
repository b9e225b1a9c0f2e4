/**
 * Regression: three ways a spec error showed something other than what the spec said.
 * - A webhook URL of any scheme was accepted (`ftp://`, `mailto:`, `file://`), though the message says "expected an
 *   http(s) URL" and Alertmanager refuses the generated file (amtool check-config, the independent reading here).
 * - A value holding `$'` or `$&` garbled the message: it was put in with a replacement string, where those are
 *   patterns (`$'` inserted the rest of the template, `$&` the placeholder).
 * - NaN and Infinity were shown as `null` (JSON).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSlaSpec } from '@perfkit/sla';
import { errorOf } from '../errorOf';

const spec = (alertmanager: Record<string, unknown>) => ({ service: 'svc', alertmanager });

function amtoolAccepts(url: string): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'perfkit-am-scheme-'));
  const file = join(dir, 'alertmanager.yml');
  writeFileSync(file, `route: { receiver: r }\nreceivers:\n  - name: r\n    webhook_configs: [{ url: ${JSON.stringify(url)} }]\n`);
  return spawnSync('amtool', ['check-config', file], { encoding: 'utf8' }).status === 0;
}

describe('regression: spec error text garbled by values', () => {
  it('accepts http and https webhook URLs only, as Alertmanager does', () => {
    execFileSync('amtool', ['--version'], { stdio: 'ignore' }); // present (npm test's set-up installs it)
    const urls = ['ftp://hooks.example/x', 'mailto:oncall@example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'HTTPS://hooks.example/x', 'http://hooks.example/x'];
    const amtool = urls.map(amtoolAccepts);
    expect(amtool).toEqual([false, false, false, false, true, true]);
    const ours = urls.map((u) => {
      try {
        parseSlaSpec(spec({ pageWebhookUrl: u }));
        return true;
      } catch {
        return false;
      }
    });
    expect(ours).toEqual(amtool);
    expect(errorOf(() => parseSlaSpec(spec({ pageWebhookUrl: 'ftp://hooks.example/x' }))).message).toContain('alertmanager.pageWebhookUrl = "ftp://hooks.example/…": expected an http(s) URL');
  });

  it('shows a value holding $ patterns as it is', () => {
    const err = errorOf(() => parseSlaSpec({ service: 'svc', window: "3$'d$&$`" }));
    expect(err.message).toMatch(/^Invalid SLA spec: window = "3\$'d\$&\$`": [^{]*$/);
  });

  it('shows NaN and Infinity as numbers, not null', () => {
    const err = errorOf(() => parseSlaSpec({ service: 'svc', objectives: [{ name: 'x', operationType: 'download', target: NaN }] }));
    expect(err.message).toMatch(/target = NaN/);
    expect(err.message).not.toMatch(/target = null/);
  });
});
