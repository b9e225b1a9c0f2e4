import { inspect } from 'node:util';
import { loadConfig, redactForDisplay, resolveConfig } from '@perfkit/core';
import { z } from 'zod';
import { configErrorOf, printed } from '../configErrorOf';

/**
 * A key is named like a secret when its name ends in `key`, `token`, `secret`, `password`, `authorization` or
 * `credential(s)`. The rule removed only `-` and `_` before looking at the end, and looked at the part after the last
 * dot, so a name pasted with a space, a colon or a trailing dot (`'apiKey '`, `'Authorization:'`, `'apiKey.'`), written
 * in full-width letters, or a path ending in an array index (`plugin.apiKeys.1`, the second of a list of keys that a
 * schema refused) printed its secret. Every character that is not a letter or a digit is now dropped (after NFKC, so
 * full-width letters count as theirs) and trailing array indices are not a name.
 */
const SECRET = 'prod-secret-0123456789abcdef'; // 28 characters
const SHOWN = '[redacted, 28 characters]';

describe('config-error-printed-a-secret-under-a-key-with-spaces-or-punctuation', () => {
  it.each(['apiKey ', ' apiKey', 'apiKey\t', 'Authorization:', 'API KEY ', 'api key', 'api.key', 'apiKey.', '"token"', 'x-api-key;', 'ＡＰＩ＿ＫＥＹ', 'password\n'])(
    'redacts a value under %j, at the top and nested, in the message, the value and util.inspect',
    (name) => {
      const top = configErrorOf(() => loadConfig({ [name]: SECRET } as never, {}));
      expect(printed(top)).not.toContain(SECRET);
      expect(inspect(top, { depth: Infinity })).not.toContain(SECRET);
      expect(top.problems[0]).toMatchObject({ key: name, value: SHOWN });
      const nested = configErrorOf(() => loadConfig({ plugin: { [name]: SECRET } } as never, {}));
      expect(printed(nested)).not.toContain(SECRET);
      expect(inspect(nested, { depth: Infinity })).not.toContain(SECRET);
      expect(nested.value).toEqual({ [name]: SHOWN });
    },
  );

  it('redacts the element of a secret list that a schema refused, whose key ends in its index', () => {
    const schema = z.object({ apiKeys: z.array(z.string().min(30)) }).strict();
    const err = configErrorOf(() => resolveConfig(schema, { apiKeys: ['a'.repeat(40), SECRET] }, [], {}, 'plugin'));
    expect(err.problems.map((p) => [p.key, p.value])).toEqual([['plugin.apiKeys.1', SHOWN]]);
    expect(printed(err)).not.toContain(SECRET);
  });

  it('hides a header map under a key written with spaces or punctuation', () => {
    expect(redactForDisplay({ ' Headers ': { 'x-tenant': SECRET } }, 'otlp')).toEqual({ ' Headers ': { 'x-tenant': '[REDACTED]' } });
    expect(redactForDisplay(SECRET, 'otlp.headers:.x-tenant')).toBe('[REDACTED]');
  });

  it('still shows names that only contain a secret word, with punctuation too, and plain indices', () => {
    const value = { 'apiKeyFile ': '/run/secrets/api-key', 'token bucket size': 50, 'keyPrefix:': 'perf', 'key.name': 'n', list: ['a'] };
    expect(redactForDisplay(value, 'plugin')).toBe(value);
    expect(redactForDisplay('x', 'views.0')).toBe('x');
    expect(redactForDisplay('x', 'plugin.0')).toBe('x');
  });
});
