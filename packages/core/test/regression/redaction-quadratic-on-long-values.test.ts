/**
 * Regression: the user-info redaction regex restarted its scheme match at every letter of a long value, so a
 * 20,000-character configuration value took 4 s to print in an error and 100,000 characters took over a minute
 * (quadratic backtracking). A synchronous regex cannot be stopped by jest's timeout, so the redaction runs inside
 * vm with a 10 s hang guard: the old code (about 80 s for 100,000 characters) is interrupted there and the test fails;
 * the fixed one takes milliseconds, so the guard is 200x away from anything this test could hit by being slow.
 */
import { createPerfkit, redactUrl } from '@perfkit/core';
import vm from 'node:vm';
import { redactText } from '../../src/redact';

const HANG_GUARD_MS = 10_000;
const redactGuarded = (text: string): string => vm.runInNewContext('redactText(text)', { redactText, text }, { timeout: HANG_GUARD_MS }) as string;

describe('redaction of long values', () => {
  it('redacts user info inside a 100,000-character text and leaves the rest', () => {
    const long = 'a'.repeat(100_000);
    const out = redactGuarded(`${long} http://user:secret@collector:4318/v1/metrics ${long}`);
    expect(out).toHaveLength(200_000 + ' http://[REDACTED]@collector:4318/v1/metrics '.length);
    expect(out).toContain(' http://[REDACTED]@collector:4318/v1/metrics ');
    expect(out).not.toContain('secret');
  });

  it('still redacts a scheme that follows other text directly, and a scheme in capitals', () => {
    expect(redactText('xhttp://u:p@h/ HTTPS://u@h/')).toBe('xhttp://[REDACTED]@h/ HTTPS://[REDACTED]@h/');
    expect(redactUrl('http://user:secret@host:4318/v1/metrics')).not.toContain('secret');
  });

  it('names a 100,000-character configuration value in a readable, shortened error', () => {
    let message = '';
    try {
      createPerfkit({ serviceName: 'x'.repeat(100_000), prometheus: false } as never);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('serviceName');
    expect(message.length).toBeLessThan(2000);
  });
});
