/*
 * Regression: SlaSpecError printed every problem's value as it was written, so a spec with a mistake next to its
 * Alertmanager settings printed the secrets they hold, in `perfkit-sla check|generate`'s output and in
 * `err.problems` / `err.value` (what an application logs as JSON): a Slack webhook URL (its path is the credential)
 * under a misspelt key, one pasted without its scheme, a password in a URL's user info, receivers pasted whole
 * (PagerDuty routing key, bearer credentials, basic-auth password). Now core's rule (keys named like secrets, URL user
 * info) applies, every URL is cut to `scheme://host/…`, and a URL-named field that holds no URL is redacted whole.
 * The expected lines are written by hand; the secrets' lengths counted by hand.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseSlaSpec } from '@perfkit/sla';
import { main } from '../../src/cli';
import { checkSpec } from '../checkSpec';
import { errorOf } from '../errorOf';

const SLACK_TOKEN = 'SLACKSECRET1';
const PD_KEY = 'PDROUTINGKEY0123456789abcdef0123';
const PASSWORD = 'hunter2-pass';
const BEARER = 'bearer-SECRET-token';
const QUERY_TOKEN = 'QUERYSECRET';
const DISCORD_TOKEN = 'DISCORDSECRET';
const SECRETS = [SLACK_TOKEN, PD_KEY, PASSWORD, BEARER, QUERY_TOKEN, DISCORD_TOKEN];

const OBJECTIVE = ['objectives:', '  - id: dl', '    operation: { type: download }', '    success: { target: 0.99 }'];

/** Every hostile value a spec may hold next to a mistake; `pd` is a YAML anchor, its object met twice (not circular). */
const HOSTILE = [
  'service: svc',
  ...OBJECTIVE,
  'pagerduty: &pd',
  `  routing_key: ${PD_KEY}`,
  `  url: https://events.pagerduty.com/v2/enqueue?token=${QUERY_TOKEN}`,
  'alertmanager:',
  `  webhookUrl: "https://alice:${PASSWORD}@am example.internal/hook"`,
  `  pageWebhookUrl: hooks.slack.com/services/T0000/B0000/${SLACK_TOKEN}`,
  `  ticketWebhookUrl: https://discord.com/api/webhooks/123/${DISCORD_TOKEN}?wait=true`,
  `  pageWebhookURl: https://hooks.slack.com/services/T0000/B0000/${SLACK_TOKEN}`,
  '  groupWait: 30 s',
  '  http_config:',
  `    authorization: { type: Bearer, credentials: ${BEARER} }`,
  `    basic_auth: { username: alice, password: ${PASSWORD} }`,
  '  receivers:',
  '    - name: pd',
  '      pagerduty_configs: [*pd]',
  '    - name: pd-again',
  '      pagerduty_configs: [*pd]',
];

const ALLOWED_AM = 'expected one of webhookUrl, pageWebhookUrl, ticketWebhookUrl, groupWait, groupInterval, repeatInterval, resolveTimeout';

function setup() {
  return { err: errorOf(() => parseSlaSpec(parse(HOSTILE.join('\n')))) };
}

describe('regression: sla spec errors print secrets', () => {
  it('prints no secret in perfkit-sla check, and says what each problem is', () => {
    const { code, err } = checkSpec(HOSTILE);
    expect(code).toBe(1);
    const text = err.join('\n');
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    const lines = text.split('\n').map((l) => l.trim());
    expect(lines).toEqual(expect.arrayContaining([
      'pagerduty = {"routing_key":"[redacted, 32 characters]","url":"https://events.pagerduty.co...: unknown key; expected one of service, window, selector, objectives, resources, guards, operationTypes, alerting, alertmanager',
      'alertmanager.webhookUrl = "https://[REDACTED]@am/…": expected an http(s) URL',
      'alertmanager.pageWebhookUrl = "[redacted, 49 characters]": expected an http(s) URL',
      `alertmanager.pageWebhookURl = "https://hooks.slack.com/…": unknown key; ${ALLOWED_AM}; did you mean "pageWebhookUrl"?`,
      'alertmanager.groupWait = "30 s": expected a Prometheus duration such as 5m or 28d, between 0s and 86400s',
      `alertmanager.http_config = {"authorization":"[redacted]","basic_auth":{"username":"alice","password":"[r...: unknown key; ${ALLOWED_AM}`,
    ]));
  });

  it('holds no secret in err.problems and err.value, the aliased object shown redacted both times', () => {
    const { err } = setup();
    const logged = JSON.stringify({ problems: err.problems, value: err.value, message: err.message });
    for (const secret of SECRETS) expect(logged).not.toContain(secret);
    const receivers = err.problems.find((p) => p.field === 'alertmanager.receivers')!.value;
    const pd = { routing_key: '[redacted, 32 characters]', url: 'https://events.pagerduty.com/…' };
    expect(receivers).toEqual([{ name: 'pd', pagerduty_configs: [pd] }, { name: 'pd-again', pagerduty_configs: [pd] }]);
    expect(err.problems.find((p) => p.field === 'alertmanager.http_config')!.value).toEqual({
      authorization: '[redacted]',
      basic_auth: { username: 'alice', password: '[redacted, 12 characters]' },
    });
    expect(err.field).toBe('alertmanager.webhookUrl');
    expect(err.value).toBe('https://[REDACTED]@am/…');
  });

  it('keeps values that hold no secret as they were written', () => {
    const { err } = setup();
    expect(err.problems.find((p) => p.field === 'alertmanager.groupWait')!.value).toBe('30 s');
    const plain = errorOf(() => parseSlaSpec({ service: 'svc', resources: { memory: { max: 85 } }, alerting: { runbookBaseUrl: '' } }));
    expect(plain.problems.map((p) => [p.field, p.value])).toEqual([['resources.memory.max', 85], ['alerting.runbookBaseUrl', '']]);
  });

  it('hides a URL in an unknown key name too', () => {
    const err = errorOf(() => parseSlaSpec({ service: 'svc', selector: { [`https://alice:${PASSWORD}@hooks.slack.com/services/${SLACK_TOKEN}`]: 'x' } }));
    expect(err.problems.map((p) => p.field)).toEqual(['selector.https://[REDACTED]@hooks.slack.com/…']);
    expect(err.message).not.toContain(PASSWORD);
    expect(err.message).not.toContain(SLACK_TOKEN);
  });

  it('writes the webhook URLs into alertmanager.yml, and none into what generate prints', () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfkit-sla-secrets-'));
    try {
      const spec = join(dir, 'sla.yaml');
      const slack = `https://hooks.slack.com/services/T0000/B0000/${SLACK_TOKEN}`;
      const page = `https://alice:${PASSWORD}@am.example.internal/hook`;
      writeFileSync(spec, ['service: svc', ...OBJECTIVE, 'alertmanager:', `  webhookUrl: ${slack}`, `  pageWebhookUrl: "${page}"`, ''].join('\n'));
      const printed: string[] = [];
      const io = { out: (l: string) => printed.push(l), err: (l: string) => printed.push(l) };
      expect(main(['generate', '--spec', spec, '--out', dir], io, { dashboards: null })).toBe(0);
      expect(main(['generate', '--spec', spec, '--out', dir, '--check'], io, { dashboards: null })).toBe(0);
      expect(main(['check', '--spec', spec], io, { dashboards: null })).toBe(0);
      const am = parse(readFileSync(join(dir, 'alertmanager/alertmanager.yml'), 'utf8'));
      const urls = Object.fromEntries(am.receivers.map((r: { name: string; webhook_configs: Array<{ url: string }> }) => [r.name, r.webhook_configs[0]!.url]));
      expect(urls).toEqual({ 'perfkit-default': slack, 'perfkit-page': page, 'perfkit-ticket': slack });
      expect(printed.join('\n')).toContain('alertmanager.yml');
      for (const secret of SECRETS) expect(printed.join('\n')).not.toContain(secret);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
