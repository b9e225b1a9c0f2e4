import { createPerfkit, resolveConfig } from '@perfkit/core';
import { z } from 'zod';
import { configErrorOf, printed } from '../configErrorOf';

/**
 * An unknown key is reported with its value and the nearest known key. Redaction went by the name as typed, so the
 * one typo these errors exist for printed the secret the option holds: `otlp: { header: { 'x-honeycomb-team': key } }`
 * gave `otlp.header = {"x-honeycomb-team":"<the key>"}: unknown option; did you mean "headers"?`, and a schema's
 * `apiKey` typed `apiKye` printed the key. The value of an unknown key is now redacted as the key it was probably meant
 * to be as well.
 */
const SECRET = 'hcaik_0123456789abcdef'; // 22 characters

describe('config-error-printed-a-misspelt-secret-option', () => {
  it('redacts a header map given under a misspelt headers key', () => {
    for (const typo of ['header', 'headrs', 'Headers ']) {
      const err = configErrorOf(() =>
        createPerfkit({ serviceName: 'svc', logLevel: 'none', prometheus: { serve: false }, otlp: { url: 'http://collector:4318/v1/metrics', [typo]: { 'x-honeycomb-team': SECRET } } } as never),
      );
      expect(printed(err)).not.toContain(SECRET);
      expect(err.problems).toEqual([{ key: `otlp.${typo}`, value: { 'x-honeycomb-team': '[REDACTED]' }, allowed: 'unknown option; did you mean "headers"?' }]);
    }
  });

  it("redacts a schema's secret given under a misspelt name", () => {
    const schema = z.object({ apiKey: z.string().optional(), host: z.string().optional() }).strict();
    const err = configErrorOf(() => resolveConfig(schema, { apiKye: SECRET, hots: 'localhost' }, [], {}, 'dashboard'));
    expect(printed(err)).not.toContain(SECRET);
    expect(err.message).toBe(
      'Invalid perfkit configuration: 2 problems\n' +
        '  dashboard.apiKye = "[redacted, 22 characters]": unknown option; did you mean "apiKey"?\n' +
        '  dashboard.hots = "localhost": unknown option; did you mean "host"?',
    );
  });
});
