import { GUARD_ERRORS, GuardError, GuardRejectedError, GuardResourceError, GuardTimeoutError } from '@perfkit/core';

const MB = 1048576;

function setup() {
  return {
    rejected: new GuardRejectedError('gen', 'model_operation', 'generate', 'queue_full', 'all 2 slots are busy'),
    timeout: new GuardTimeoutError('gen', 'model_operation', 'generate', 250),
    resource: new GuardResourceError('gen', 'model_operation', 'generate', 64 * MB, 70 * MB, 12 * MB),
  };
}

describe('GuardErrors', () => {
  it('gives each error its code, outcome, class name and a message naming guard and operation', () => {
    const { rejected, timeout, resource } = setup();
    for (const err of [rejected, timeout, resource]) {
      expect(err).toBeInstanceOf(GuardError);
      expect(err).toBeInstanceOf(Error);
      expect(Object.keys(GUARD_ERRORS)).toContain(err.code);
      expect(err.message).toContain('guard "gen"');
      expect(err.message).toContain('model_operation/generate');
      expect(err).toMatchObject({ guard: 'gen', operationType: 'model_operation', operationName: 'generate' });
    }
    expect([rejected.name, rejected.outcome, rejected.reason]).toEqual(['GuardRejectedError', 'rejected', 'queue_full']);
    expect([timeout.name, timeout.outcome]).toEqual(['GuardTimeoutError', 'timeout']);
    expect(timeout.message).toContain('timeout of 250 ms');
    expect([resource.name, resource.outcome]).toEqual(['GuardResourceError', 'resource_exceeded']);
    expect(resource.message).toBe(
      'guard "gen" aborted model_operation/generate: process memory grew by 70.0 MB (resident set) while it ran, past its budget of 64.0 MB',
    );
  });

  it('names heap growth when it is the larger one', () => {
    const err = new GuardResourceError('g', 't', 'n', 10 * MB, 1 * MB, 11 * MB);
    expect(err.message).toContain('grew by 11.0 MB (heap and external)');
  });

  it('keeps messages short for huge or odd operation names', () => {
    const err = new GuardTimeoutError('g', 'x'.repeat(100_000), 'y'.repeat(100_000), 1);
    expect(err.message.length).toBeLessThan(300);
    expect(new GuardTimeoutError('g', NaN as never, undefined as never, 1).message).toContain('NaN/undefined');
    expect(err.operationType).toHaveLength(100_000);
  });
});
