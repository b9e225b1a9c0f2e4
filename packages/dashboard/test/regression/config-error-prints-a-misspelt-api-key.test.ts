import { configErrorOf as thrown, printed } from '../configErrorOf';

/**
 * The dashboard's options are strict: a misspelt `apiKey` (`apikey`, `api_key`) is refused as an unknown option, and
 * the error names the value it was given, which is the secret. Only a problem under `dashboard.apiKey` itself was
 * redacted, so `dashboardPlugin({ apikey: process.env.KEY })` printed the key in clear in the start-up error, its
 * `value` and `problems` (what an application logs). Every key named like a secret is redacted now, the nearest
 * known key still suggested.
 */
describe('config-error-prints-a-misspelt-api-key', () => {
  const secret = 'prod-dashboard-secret-0123456789'; // 32 characters: a valid key under the wrong name

  it.each(['apikey', 'api_key', 'API-KEY', 'apiToken', 'x-api-key'])('redacts a key given as %s', (name) => {
    const err = thrown({ [name]: secret });
    expect(printed(err)).not.toContain(secret);
    expect(err.message).toContain(`dashboard.${name} = "[redacted, 32 characters]": unknown option`);
    expect(err.value).toBe('[redacted, 32 characters]');
  });

  it('names the right key for the common typos', () => {
    expect(thrown({ apikey: secret }).message).toContain('did you mean "apiKey"?');
  });

  it('redacts it beside other problems, and still shows their values', () => {
    const err = thrown({ api_key: secret, port: 99999, cacheTtlMs: -1 });
    expect(printed(err)).not.toContain(secret);
    expect(err.problems.map((p) => [p.key, p.value])).toEqual(
      expect.arrayContaining([
        ['dashboard.api_key', '[redacted, 32 characters]'],
        ['dashboard.port', 99999],
        ['dashboard.cacheTtlMs', -1],
      ]),
    );
  });

  it('shows the value of a misspelt option that is no secret', () => {
    expect(thrown({ sampleIntervalMS: 5000 }).message).toContain('dashboard.sampleIntervalMS = 5000: unknown option');
  });

  it.each([
    [{ nested: secret }, '[redacted]'],
    [[secret], '[redacted]'],
    [12345, '[redacted]'],
    [`${secret}\n`.repeat(20), '[redacted, 660 characters]'],
  ])('says what a hostile value under a secret name was, never the value (%#)', (value, shown) => {
    const err = thrown({ apikey: value });
    expect(printed(err)).not.toContain(secret);
    expect(printed(err)).not.toContain('12345');
    expect(err.problems.map((p) => p.value)).toEqual([shown]);
  });
});
