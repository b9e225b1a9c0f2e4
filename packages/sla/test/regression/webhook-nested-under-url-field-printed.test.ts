/*
 * Regression: a URL-named field holding no URL (`pageWebhookUrl: hooks.slack.com/services/T…/B…/<token>`, the scheme
 * left out) is redacted whole in spec errors, since the whole value is the URL and its path the credential
 * (sla-spec-errors-print-secrets). The rule looked only at the key right above each string, so the same webhook written
 * as a list (`pageWebhookUrl: [hooks.slack.com/…]`, a YAML `- ` too many) or under a key of its own
 * (`pageWebhookUrl: { slack: hooks.slack.com/… }`) was printed whole by `perfkit-sla check` and held in err.problems.
 * The field's name now decides for everything inside its value. Lengths counted by hand (45 characters).
 */
import { checkSpec } from '../checkSpec';

const TOKEN = 'Zq81Pw03Lm';
const HOOK = `hooks.slack.com/services/T000/B000/${TOKEN}`;

function setup(lines: readonly string[]) {
  return checkSpec(['service: api', 'objectives:', '  - id: dl', '    operation: { type: download }', '    success: { target: 0.99 }', 'alertmanager:', ...lines]);
}

describe('regression: webhook nested under a URL field printed', () => {
  it('redacts a scheme-less webhook written as a list under pageWebhookUrl', () => {
    const { code, err } = setup(['  pageWebhookUrl:', `    - ${HOOK}`]);
    expect(code).toBe(1);
    expect(err).toEqual(['perfkit-sla: Invalid SLA spec: alertmanager.pageWebhookUrl = ["[redacted, 45 characters]"]: expected an http(s) URL']);
  });

  it('redacts one under a key of its own inside ticketWebhookUrl', () => {
    const { err } = setup(['  ticketWebhookUrl:', `    slack: ${HOOK}`]);
    expect(err).toEqual(['perfkit-sla: Invalid SLA spec: alertmanager.ticketWebhookUrl = {"slack":"[redacted, 45 characters]"}: expected an http(s) URL']);
    expect(err.join('\n')).not.toContain(TOKEN);
  });
});
