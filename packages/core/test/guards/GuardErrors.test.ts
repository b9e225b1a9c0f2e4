import { GUARD_ERRORS, GuardError, GuardRejectedError, GuardResourceError, GuardTimeoutError } from '@perfkit/core';
import { GuardAbortedError, GuardArgumentError } from '../../src/guards/GuardErrors';

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

describe('GuardAbortedError and GuardArgumentError', () => {
  it('says when the caller left, keeps its reason as cause, and is recorded as cancelled', () => {
    const why = new Error('client closed');
    const words = {
      before_call: 'before the call',
      queued: 'while it waited for a slot',
      running: "while it ran (the work's signal was aborted with the caller's reason)",
    } as const;
    for (const phase of ['before_call', 'queued', 'running'] as const) {
      const err = new GuardAbortedError('gen', 'model_operation', 'generate', phase, why);
      expect(err).toBeInstanceOf(GuardError);
      expect(err).toMatchObject({ code: 'PERFKIT_ERR_GUARD_ABORTED', outcome: 'cancelled', name: 'GuardAbortedError', phase, cause: why, guard: 'gen' });
      expect(err.message).toBe(`guard "gen" stopped model_operation/generate: the caller's signal was aborted ${words[phase]}`);
    }
    // Any reason is kept as it is, undefined included (the cause is then an own property holding undefined).
    const none = new GuardAbortedError('g', 't', 'n', 'queued', undefined);
    expect(Object.prototype.hasOwnProperty.call(none, 'cause')).toBe(true);
    expect(none.cause).toBeUndefined();
  });

  it('is a TypeError with a code for arguments a guard cannot use, as Node.js argument errors are', () => {
    const err = new GuardArgumentError('gen', 'run(type, name, work) expects work to be a function, got number');
    expect(err).toBeInstanceOf(TypeError);
    expect(err).not.toBeInstanceOf(GuardError);
    expect([err.name, err.code, err.message]).toEqual(['TypeError', 'PERFKIT_ERR_GUARD_INVALID_ARGUMENT', 'guard "gen": run(type, name, work) expects work to be a function, got number']);
    // A detail with braces is shown as it is, not read as a template.
    expect(new GuardArgumentError('g', 'options.{guard} = 1').message).toBe('guard "g": options.{guard} = 1');
  });

  it('lists both codes in GUARD_ERRORS', () => {
    expect(Object.keys(GUARD_ERRORS)).toEqual([
      'PERFKIT_ERR_GUARD_REJECTED',
      'PERFKIT_ERR_GUARD_TIMEOUT',
      'PERFKIT_ERR_GUARD_RESOURCE',
      'PERFKIT_ERR_GUARD_ABORTED',
      'PERFKIT_ERR_GUARD_INVALID_ARGUMENT',
    ]);
  });
});
