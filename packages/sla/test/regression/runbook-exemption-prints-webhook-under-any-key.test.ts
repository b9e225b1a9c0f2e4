/*
 * Regression: spec errors redact a URL-named value that is no URL whole (a webhook pasted without its scheme), except
 * a runbook link (`alerting.runbookBaseUrl`, an objective's `runbook_url` annotation: printed in every alert anyway,
 * and `docs/runbooks` has no scheme). The exemption went by the key's last name anywhere, so a webhook under
 * `alertmanager.runbook_url`, `runbookUrl` in a pasted receiver, or a top-level key written `alerting.runbookBaseUrl`
 * was printed whole by `perfkit-sla check`, as was a list pasted into runbookBaseUrl. Only a string in the two runbook
 * fields themselves is exempt now. Lengths counted by hand (45 characters).
 */
import { checkSpec } from '../checkSpec';

const TOKEN = 'Zq81Pw03Lm';
const HOOK = `hooks.slack.com/services/T000/B000/${TOKEN}`;
const OBJECTIVE = ['objectives:', '  - id: dl', '    operation: { type: download }', '    success: { target: 0.99 }'];
const ALLOWED_AM = 'expected one of webhookUrl, pageWebhookUrl, ticketWebhookUrl, groupWait, groupInterval, repeatInterval, resolveTimeout';

function setup(lines: readonly string[]) {
  return checkSpec(['service: api', ...OBJECTIVE, ...lines]);
}

describe('regression: runbook exemption prints a webhook under any key of that name', () => {
  it('redacts runbook_url under alertmanager and runbookUrl inside a pasted receiver', () => {
    const { code, err } = setup(['alertmanager:', `  runbook_url: ${HOOK}`, '  receivers:', '    - name: slack', `      runbookUrl: ${HOOK}`]);
    expect(code).toBe(1);
    expect(err).toEqual([
      'perfkit-sla: Invalid SLA spec: 2 problems\n' +
        `  alertmanager.runbook_url = "[redacted, 45 characters]": unknown key; ${ALLOWED_AM}\n` +
        `  alertmanager.receivers = [{"name":"slack","runbookUrl":"[redacted, 45 characters]"}]: unknown key; ${ALLOWED_AM}`,
    ]);
  });

  it('redacts a top-level key written "alerting.runbookBaseUrl" and a list in runbookBaseUrl', () => {
    const { err } = setup([`"alerting.runbookBaseUrl": ${HOOK}`, 'alerting:', `  runbookBaseUrl: [${HOOK}]`]);
    expect(err.join('\n')).not.toContain(TOKEN);
    expect(err.join('\n')).toContain('alerting.runbookBaseUrl = ["[redacted, 45 characters]"]: Invalid input: expected string, received array');
  });

  it('still shows a runbook link in the runbook fields themselves (a relative path has no scheme)', () => {
    const long = `docs/${'r'.repeat(500)}`;
    const { err } = setup(['alerting:', `  runbookBaseUrl: ${long}`]);
    expect(err).toEqual([`perfkit-sla: Invalid SLA spec: alerting.runbookBaseUrl = ${JSON.stringify(long).slice(0, 77)}...: Too big: expected string to have <=500 characters`]);
  });
});
