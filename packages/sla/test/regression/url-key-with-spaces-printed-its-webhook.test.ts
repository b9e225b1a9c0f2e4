/**
 * Regression: spec errors read URL-named keys with a rule of their own (the last part, lower-cased, `-` and `_`
 * dropped), not core's rule for key names: a misspelt key with white space (`'webhook url '`) holding a webhook pasted
 * without its scheme (the path is the Slack token) was printed whole. Both now use core's `isKeyNamed`.
 */
import { parseSlaSpec } from '@perfkit/sla';
import { errorOf } from '../errorOf';

const TOKEN = 'SLACKTOKEN77';

describe('regression: a URL key with spaces printed its webhook', () => {
  it('redacts the scheme-less webhook under a URL-named key however it is spaced', () => {
    for (const key of ['webhook url ', ' webhookUrl', 'web-hook:']) {
      const err = errorOf(() => parseSlaSpec({ service: 'svc', alertmanager: { [key]: `hooks.slack.com/services/T0/B0/${TOKEN}` } }));
      expect(err.message).toContain('[redacted, ');
      expect(err.message).not.toContain(TOKEN);
      expect(JSON.stringify(err.problems)).not.toContain(TOKEN);
    }
  });
});
