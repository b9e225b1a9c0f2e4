import { adminAccessFromEnv } from '../../src/wiring/adminAccess';

const refusal = (length: number) =>
  `Invalid perfkit configuration: dashboard.apiKey = "[redacted, ${length} characters]" (from PERFKIT_DASHBOARD_API_KEY): expected at least 16 characters (at most 512)`;

describe('adminAccessFromEnv', () => {
  it('gives no key and no extra Host names when neither variable is set', () => {
    expect(adminAccessFromEnv({})).toEqual({ allowedHosts: [] });
  });

  it.each([
    ['16 characters', 'k'.repeat(16)],
    ['512 characters', 'k'.repeat(512)],
    ['16 non-ASCII characters', 'é'.repeat(16)],
  ])('takes a key of %s', (_, key) => {
    expect(adminAccessFromEnv({ PERFKIT_DASHBOARD_API_KEY: key }).apiKey).toBe(key);
  });

  it.each([
    ['15 characters', 'k'.repeat(15), 15],
    ['513 characters', 'k'.repeat(513), 513],
    ['10,000 characters', 'k'.repeat(10_000), 10_000],
    ['3 characters around spaces', '  k3y  ', 3],
  ])('refuses a key of %s with its length, never its value', (_, key, length) => {
    expect(() => adminAccessFromEnv({ PERFKIT_DASHBOARD_API_KEY: key })).toThrow(refusal(length));
  });

  it('reads an empty or blank key as no key, as the dashboard does', () => {
    expect(adminAccessFromEnv({ PERFKIT_DASHBOARD_API_KEY: '' }).apiKey).toBeUndefined();
    expect(adminAccessFromEnv({ PERFKIT_DASHBOARD_API_KEY: '   ' }).apiKey).toBeUndefined();
  });

  it('reads the Host names as a trimmed comma list and refuses one that is not a host name', () => {
    expect(adminAccessFromEnv({ PERFKIT_DASHBOARD_ALLOWED_HOSTS: ' a.example.com , b ' }).allowedHosts).toEqual(['a.example.com', 'b']);
    expect(() => adminAccessFromEnv({ PERFKIT_DASHBOARD_ALLOWED_HOSTS: 'a.example.com:8080' })).toThrow(/dashboard\.allowedHosts\.0 = "a\.example\.com:8080".*expected a host name/);
  });
});
