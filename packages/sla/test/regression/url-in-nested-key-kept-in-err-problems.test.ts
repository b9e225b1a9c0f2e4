/*
 * Regression: a URL written as a key inside a value (a receivers map keyed by webhook, a pasted JSON object) was cut
 * to `scheme://host/…` in the message, but err.problems, which applications log as JSON, held the value as written:
 * `{"https://hooks.slack.com/services/T0/B0/<token>":1}`. The README promises every URL cut in every field and in
 * unknown keys. Keys are now cut in err.problems (and err.value) as in the message.
 */
import { parseSlaSpec } from '@perfkit/sla';
import { errorOf } from '../errorOf';

const TOKEN = 'Zq81Pw03Lm';
const HOOK = `https://hooks.slack.com/services/T000/B000/${TOKEN}`;

describe('regression: a URL in a nested key is kept in err.problems', () => {
  it('cuts the URL key in err.problems and err.value as the message does', () => {
    const err = errorOf(() => parseSlaSpec({ service: 'api', alertmanager: { receivers: { [HOOK]: { channel: '#ops' }, list: [{ [HOOK]: 1 }] } } }));
    expect(err.problems[0]!.value).toEqual({ 'https://hooks.slack.com/…': { channel: '#ops' }, list: [{ 'https://hooks.slack.com/…': 1 }] });
    expect(err.value).toEqual(err.problems[0]!.value);
    expect(JSON.stringify(err.problems)).not.toContain(TOKEN);
    expect(err.message).not.toContain(TOKEN);
  });
});
