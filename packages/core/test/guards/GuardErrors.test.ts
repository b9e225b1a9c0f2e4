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

describe('GuardErrors messages word for word (mutation testing, issue 18)', () => {
  it('writes each template with its figures filled in, and the code of each class', () => {
    const { rejected, timeout } = setup();
    expect([rejected.code, rejected.message]).toEqual(['PERFKIT_ERR_GUARD_REJECTED', 'guard "gen" refused model_operation/generate: all 2 slots are busy']);
    expect([timeout.code, timeout.message]).toEqual(['PERFKIT_ERR_GUARD_TIMEOUT', 'guard "gen" aborted model_operation/generate: it ran past its timeout of 250 ms']);
    expect(setup().resource.code).toBe('PERFKIT_ERR_GUARD_RESOURCE');
  });

  it('names the resident set when both grew by the same amount, and rounds megabytes to one decimal', () => {
    // 1.25 MB budget = 1,310,720 bytes; 2.5 MB = 2,621,440 bytes of growth on both measures.
    const err = new GuardResourceError('g', 't', 'n', 1_310_720, 2_621_440, 2_621_440);
    expect(err.message).toBe('guard "g" aborted t/n: process memory grew by 2.5 MB (resident set) while it ran, past its budget of 1.3 MB');
  });

  it('cuts the operation type to 64 and the name to 128 characters in the message only', () => {
    const err = new GuardTimeoutError('g', 't'.repeat(65), 'n'.repeat(129), 1);
    expect(err.message).toBe(`guard "g" aborted ${'t'.repeat(64)}/${'n'.repeat(128)}: it ran past its timeout of 1 ms`);
    expect([err.operationType.length, err.operationName.length]).toEqual([65, 129]);
  });
});
