import { DROP_REASONS } from '../../src/names';
import { directStore } from './directStore';

// Dropping handles, their warnings and the error-type limit (issue 18: each test kills mutants of OperationStore.ts
// that survived the other suites). Expected texts and counts are worked out by hand.

const dropped = (s: ReturnType<typeof directStore>['s'], reason: (typeof DROP_REASONS)[number]) => s.drops[DROP_REASONS.indexOf(reason)];
const warning = (key: string) => `cannot record operation ${key}; its measurements are dropped and counted in perfkit_dropped_measurements_total`;

describe('OperationStore dropping handles', () => {
  it('keys unknown types by their first 64 characters: one handle and one warning for types that share them', () => {
    const { s, warnings } = directStore();
    const first64 = 'x'.repeat(64);
    const a = s.operation(`${first64}a`, 'n');
    const b = s.operation(`${first64}b`, 'n');
    expect(b).toBe(a);
    expect(a.type).toBe(first64);
    a.record(1);
    b.record(1);
    expect(dropped(s, 'unknown_operation_type')).toBe(2);
    expect(warnings).toEqual([warning(`unknown_operation_type for type ${first64}`)]);
  });

  it('keeps a warning about a 1 MB type name short', () => {
    const { s, warnings } = directStore();
    s.operation('y'.repeat(1 << 20), 'n').record(1);
    expect(warnings).toEqual([warning(`unknown_operation_type for type ${'y'.repeat(64)}`)]);
    expect(dropped(s, 'unknown_operation_type')).toBe(1);
  });

  it('names a dropping handle with an empty name when the name is not a string, and counts its drops', () => {
    for (const name of [42, null, undefined, { toString: () => 'obj' }]) {
      const fresh = directStore();
      const op = fresh.s.operation('download', name as never);
      expect([op.type, op.name]).toEqual(['download', '']);
      expect(op.track(() => 'ran')).toBe('ran');
      expect(dropped(fresh.s, 'invalid_name')).toBe(1);
      expect(fresh.warnings).toEqual([warning('invalid_name for type download')]);
    }
  });

  it('never throws for a type that cannot be printed, a symbol or null, and counts each drop', () => {
    const { s, warnings } = directStore();
    const unprintable = {
      toString() {
        throw new Error('no');
      },
    };
    const ops = [s.operation(unprintable as never, 'a'), s.operation(Symbol('sym') as never, 'a'), s.operation(null as never, 'a')];
    expect(ops.map((o) => o.type)).toEqual(['<unprintable>', 'Symbol(sym)', '<unprintable>']);
    expect(ops[2]).toBe(ops[0]); // keyed by typeof: null is an "object" too, so it shares that handle
    for (const op of ops) op.record(1);
    expect(dropped(s, 'unknown_operation_type')).toBe(3);
    expect(warnings).toEqual([warning('unknown_operation_type for type object'), warning('unknown_operation_type for type symbol')]);
  });

  it('warns once for a key asked for again after the handle cache is full (256 keys)', () => {
    const { s, warnings } = directStore();
    for (let i = 0; i < 256; i++) s.operation(`t${i}`, 'a');
    s.operation('late', 'a');
    s.operation('late', 'a'); // not cached (the cache holds 256): built again, not warned again
    expect(warnings).toHaveLength(257);
    expect(warnings[256]).toBe(warning('unknown_operation_type for type late'));
  });
});

describe('OperationStore error-type limit', () => {
  it('keeps a type\'s known error types for every name once the limit is reached; only new ones become _OTHER', () => {
    const { s, series } = directStore({ limits: { maxErrorTypes: 2 } });
    const a = s.operation('fallback', 'a');
    const b = s.operation('fallback', 'b');
    a.record(1, { outcome: 'failure', errorType: 'E0' });
    a.record(1, { outcome: 'failure', errorType: 'E1' });
    b.record(1, { outcome: 'failure', errorType: 'E0' }); // known to the type: kept
    b.record(1, { outcome: 'failure', errorType: 'E2' }); // a third: _OTHER
    expect(series().filter((x) => x.includes('/failure/')).map((x) => x.replace(/ \[.*\]/, ''))).toEqual([
      'fallback/a/failure/E0 n=1',
      'fallback/a/failure/E1 n=1',
      'fallback/b/failure/E0 n=1',
      'fallback/b/failure/_OTHER n=1',
    ]);
  });
});
