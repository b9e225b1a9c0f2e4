import { inspect } from 'node:util';
import { createPerfkit, redactForDisplay } from '@perfkit/core';
import { configErrorOf, printed } from '../configErrorOf';

/**
 * A configuration error keeps the value of each problem (`err.value`, `err.problems`). The redaction walked a value's
 * own enumerable keys and, finding no secret there, kept the caller's object itself. A `URL` keeps its password in
 * internal slots, a `Map` its entries, and an object's `toJSON` can return what its keys do not show, so
 * `createPerfkit({ otlp: { url: new URL('http://user:pw@collector:4318/v1/metrics') } })` (a URL object where a
 * string is expected) printed the password twice on stderr when the error went uncaught (`util.inspect` of the
 * error), and in `JSON.stringify(err.problems)`; a header map returned by `toJSON` was printed in the message itself.
 * A value is now searched as it is printed (what `toJSON` returns; an object of any other class as its own keys),
 * and the error keeps a copy, never the caller's object.
 */
const PASSWORD = 'hunter2-0123456789';
const base = { serviceName: 'svc', logLevel: 'none', prometheus: { serve: false } } as const;
/** What an uncaught exception prints (Node.js inspects the error with its defaults), and what the app may log. */
const everything = (err: Error) => `${inspect(err)} ${printed(err as never)}`;

describe('config-error-printed-the-password-of-a-url-object', () => {
  it('redacts the user info of a URL object given where a URL string is expected', () => {
    const url = new URL(`http://user:${PASSWORD}@collector:4318/v1/metrics`);
    const err = configErrorOf(() => createPerfkit({ ...base, otlp: { url } } as never));
    expect(everything(err)).not.toContain(PASSWORD);
    expect(err.value).toBe('http://[REDACTED]@collector:4318/v1/metrics');
    expect(err.problems[0]!.value).toBe('http://[REDACTED]@collector:4318/v1/metrics');
    expect(err.message).toBe(
      'Invalid perfkit configuration: otlp.url = "http://[REDACTED]@collector:4318/v1/metrics": expected an http(s) URL such as http://localhost:4318/v1/metrics',
    );
    expect(url.password).toBe(PASSWORD); // the caller's object is left alone
  });

  it('keeps no Map, Set or Error the error cannot search: a copy of what it shows instead', () => {
    const attributes = new Map([['db.password', PASSWORD]]);
    const err = configErrorOf(() =>
      createPerfkit({ ...base, resourceAttributes: attributes, extra: { tokens: new Set([PASSWORD]), failed: new Error('x', { cause: { apiKey: PASSWORD } }) } } as never),
    );
    expect(everything(err)).not.toContain(PASSWORD);
    expect(err.problems.find((p) => p.key === 'resourceAttributes')!.value).toEqual({});
    expect(err.problems.find((p) => p.key === 'extra')!.value).toEqual({ tokens: '[redacted]', failed: {} });
  });

  it('redacts what a toJSON method returns, in the message too', () => {
    const settings = { toJSON: () => ({ headers: { 'x-honeycomb-team': PASSWORD }, endpoint: `https://u:${PASSWORD}@h/` }) };
    const err = configErrorOf(() => createPerfkit({ ...base, extra: settings } as never));
    expect(everything(err)).not.toContain(PASSWORD);
    expect(err.message).toBe('Invalid perfkit configuration: extra = {"headers":{"x-honeycomb-team":"[REDACTED]"},"endpoint":"https://[REDACTED]@h/"}: unknown option');
    expect(redactForDisplay(new Date(Date.UTC(2026, 11, 3)), 'since')).toBe('2026-12-03T00:00:00.000Z');
  });
});
