import { configErrorOf as thrown, printed } from '../configErrorOf';

/**
 * A configuration error names the value of every bad key, and for `apiKey` that value is the secret. The dashboard
 * replaced it by its length only when the key was the one problem: beside another bad option (a typo in the port, a
 * 15-character key) the message, `err.value` and `err.problems` carried the key in clear. It is redacted in every
 * problem now.
 */
describe('config-error-leaks-api-key-beside-another-problem', () => {
  const secret = 'prod-secret-k3y'; // 15 characters: one short of the minimum

  it('redacts the key in code options when another option is bad too', () => {
    const err = thrown({ apiKey: secret, port: 99999 });
    expect(printed(err)).not.toContain(secret);
    expect(err.problems.map((p) => p.key).sort()).toEqual(['dashboard.apiKey', 'dashboard.port']);
    expect(err.message).toContain('dashboard.apiKey = "[redacted, 15 characters]": expected at least 16 characters (at most 512)');
    expect(err.message).toContain('dashboard.port = 99999');
  });

  it('redacts the key from PERFKIT_DASHBOARD_API_KEY when another variable is bad too', () => {
    const err = thrown({}, { PERFKIT_DASHBOARD_API_KEY: secret, PERFKIT_DASHBOARD_SAMPLE_INTERVAL_MS: 'soon' });
    expect(printed(err)).not.toContain(secret);
    expect(err.message).toContain('dashboard.apiKey = "[redacted, 15 characters]" (from PERFKIT_DASHBOARD_API_KEY)');
    expect(err.message).toContain('dashboard.sampleIntervalMs = "soon" (from PERFKIT_DASHBOARD_SAMPLE_INTERVAL_MS)');
  });

  it.each([
    ['too long', 'k'.repeat(600), '[redacted, 600 characters]'],
    ['not a string', 1234567890123456, '[redacted]'],
  ])('says what a key must be when it is %s, never the key', (_, value, shown) => {
    const err = thrown({ apiKey: value });
    expect(printed(err)).not.toContain(String(value).slice(0, 16));
    expect(err.problems).toEqual([{ key: 'dashboard.apiKey', value: shown, allowed: 'expected at least 16 characters (at most 512)' }]);
  });

  it('still redacts the key when it is the only problem', () => {
    const err = thrown({ apiKey: secret });
    expect(printed(err)).not.toContain(secret);
    expect([err.key, err.value]).toEqual(['dashboard.apiKey', '[redacted, 15 characters]']);
  });
});
