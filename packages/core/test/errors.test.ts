import { isKeyNamed, redactForDisplay } from '@perfkit/core';

function setup() {
  const calls: Array<[string, string]> = [];
  const upper = (text: string, key: string) => {
    calls.push([text, key]);
    return text.toUpperCase();
  };
  return { calls, upper };
}

describe('redactForDisplay', () => {
  it('redacts the value of a key named like a secret, dotted or not, with its length', () => {
    expect(redactForDisplay('abc123', 'dashboard.apiKey')).toBe('[redacted, 6 characters]');
    expect(redactForDisplay('R0UTING', 'routing_key')).toBe('[redacted, 7 characters]');
    expect(redactForDisplay(42, 'DB_PASSWORD')).toBe('[redacted]');
    expect(redactForDisplay('./key.pem', 'apiKeyFile')).toBe('./key.pem');
  });

  it('redacts secrets inside objects and arrays into a copy, and leaves the given value alone', () => {
    const given = { name: 'pd', configs: [{ service_key: 'abcd', url: 'https://u:pw@events.example/v2' }], headers: { 'x-api-key': 'k' } };
    const before = JSON.stringify(given);
    expect(redactForDisplay(given, 'receiver')).toEqual({
      name: 'pd',
      configs: [{ service_key: '[redacted, 4 characters]', url: 'https://[REDACTED]@events.example/v2' }],
      headers: { 'x-api-key': '[REDACTED]' },
    });
    expect(JSON.stringify(given)).toBe(before);
  });

  it('returns the value itself when nothing in it is hidden', () => {
    const given = { window: '28d', targets: [0.99, NaN] };
    expect(redactForDisplay(given, 'spec')).toBe(given);
    expect(redactForDisplay(undefined, 'spec')).toBeUndefined();
  });

  it('shows an object met again inside itself as [Circular], and one met twice elsewhere both times', () => {
    const shared = { token: 'tt' };
    const loop: Record<string, unknown> = { a: shared, b: shared };
    loop.self = loop;
    expect(redactForDisplay(loop, 'x')).toEqual({ a: { token: '[redacted, 2 characters]' }, b: { token: '[redacted, 2 characters]' }, self: '[Circular]' });
  });

  it('never throws: a value whose reading throws is <unprintable>', () => {
    const hostile = Object.defineProperty({}, 'boom', { enumerable: true, get: () => { throw new Error('no'); } });
    expect(redactForDisplay(hostile, 'x')).toBe('<unprintable>');
    expect(redactForDisplay(new Proxy({}, { ownKeys: () => { throw new Error('no'); } }), 'x')).toBe('<unprintable>');
  });

  it('passes every string it keeps, user info already redacted, with its key to shownText, and no redacted one', () => {
    const { calls, upper } = setup();
    expect(redactForDisplay({ url: 'http://u:p@h/x', password: 'pw', list: ['a'] }, 'am', upper)).toEqual({
      url: 'HTTP://[REDACTED]@H/X',
      password: '[redacted, 2 characters]',
      list: ['A'],
    });
    expect(calls).toEqual([['http://[REDACTED]@h/x', 'url'], ['a', '']]);
    expect(redactForDisplay('top', 'alertmanager.webhookUrl', upper)).toBe('TOP');
    expect(calls[2]).toEqual(['top', 'alertmanager.webhookUrl']);
  });
});

describe('isKeyNamed', () => {
  const URL_NAME = /(urls?|hooks?)$/;
  it('reads a key by its letters and digits, its array indices at the end skipped', () => {
    expect(isKeyNamed('alertmanager.webhookUrl', URL_NAME)).toBe(true);
    expect(isKeyNamed('alertmanager.webhook_url ', URL_NAME)).toBe(true); // white space and `_` count for nothing
    expect(isKeyNamed('receivers.slackHooks.2', URL_NAME)).toBe(true);
    expect(isKeyNamed('ＷＥＢＨＯＯＫ', URL_NAME)).toBe(true); // full-width letters read as theirs
    expect(isKeyNamed('urlPrefix', URL_NAME)).toBe(false); // only the end counts
    expect(isKeyNamed('alertmanager.01', URL_NAME)).toBe(false); // `01` is no index: the name is `alertmanager01`
  });
});
