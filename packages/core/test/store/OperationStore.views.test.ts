import { context, trace, TraceFlags } from '@opentelemetry/api';
import type { ViewConfig } from '../../src/config';
import type { OperationHandle } from '../../src/operations/OperationHandle';
import { AlsContextManager } from '../../../../test/core/alsContextManager';
import { directStore } from './directStore';

// Views, variants and the tables they write (issue 18: each test kills mutants of OperationStore.ts that survived
// the other suites). Expected series are worked out by hand from the view rules in docs/configuration.md.

/** The built-in `download` buckets (OperationTypes.ts, checked by hand against docs/metrics.md). */
const DOWNLOAD = '0.1,0.25,0.5,1,2.5,5,10,30,60,120,300,600';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

const manager = new AlsContextManager();
beforeAll(() => context.setGlobalContextManager(manager));
afterAll(() => context.disable());

function inSpan(fn: () => void): void {
  const span = trace.wrapSpanContext({ traceId: TRACE, spanId: SPAN, traceFlags: TraceFlags.SAMPLED });
  context.with(trace.setSpan(context.active(), span), fn);
}

describe('OperationStore buckets and exemplars per table', () => {
  it('keeps a type\'s code buckets however often it is registered again without buckets', () => {
    const { s, series } = directStore();
    s.registerType('idx', [1, 2]);
    s.registerType('idx');
    s.registerType('idx');
    s.operation('idx', 'a').record(1.5);
    expect(series()).toEqual(['idx/a/success [1,2] n=1']);
  });

  it('keeps exemplars in the type\'s table and in a variant\'s own table only when exemplars is true', () => {
    const views = [{ operationType: 'download', operationName: 'own', buckets: [1] }];
    for (const exemplars of [true, false, undefined]) {
      const { s } = directStore({ views, exemplars });
      inSpan(() => {
        s.operation('download', 'plain').record(0.3); // le 0.5: bucket 2 of the download buckets
        s.operation('download', 'own').record(0.3); // le 1: bucket 0 of the variant's [1]
      });
      const [typeTable, variantTable] = s.durationTables().filter((t) => t.size > 0);
      expect([Array.from(typeTable!.bounds).join(','), Array.from(variantTable!.bounds)]).toEqual([DOWNLOAD, [1]]);
      const typeRow = typeTable!.exemplarsOf(0);
      const variantRow = variantTable!.exemplarsOf(0);
      if (exemplars === true) {
        expect([typeRow?.traceIds[2], typeRow?.spanIds[2], typeRow?.values[2], typeRow?.traceIds[1]]).toEqual([TRACE, SPAN, 0.3, '']);
        expect([variantRow?.traceIds[0], variantRow?.spanIds[0], variantRow?.values[0]]).toEqual([TRACE, SPAN, 0.3]);
      } else {
        expect([typeRow, variantRow]).toEqual([undefined, undefined]);
      }
    }
  });

  it('gives a view\'s buckets a table of their own unless they equal the type\'s, bound for bound', () => {
    // Same length as the download buckets and the same first bound: only the second differs.
    const views = [{ operationType: 'download', operationName: 'near', buckets: [0.1, 0.2, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600] }];
    const { s, series } = directStore({ views });
    s.operation('download', 'near').record(0.22);
    expect(series()).toEqual(['download/near/success [0.1,0.2,0.5,1,2.5,5,10,30,60,120,300,600] n=1']);
    expect(s.durationTables()).toHaveLength(6); // the five built-in types and the variant
    // The first two download bounds only: equal bound for bound as far as they go, but fewer.
    const prefix = directStore({ views: [{ operationType: 'download', operationName: 'short', buckets: [0.1, 0.25] }] });
    prefix.s.operation('download', 'short').record(0.2);
    expect(prefix.series()).toEqual(['download/short/success [0.1,0.25] n=1']);
  });

  it('writes every named variant of a type, each in its own table', () => {
    const views = [
      { operationType: 'download', operationName: 'n1', buckets: [1] },
      { operationType: 'download', operationName: 'n2', buckets: [2] },
    ];
    const { s, series } = directStore({ views });
    s.operation('download', 'n1').record(0.5);
    s.operation('download', 'n2').record(0.5);
    expect(series()).toEqual(['download/n1/success [1] n=1', 'download/n2/success [2] n=1']);
  });

  it('keeps one variant per named operation when its nameless handle is looked up again past the series limit', () => {
    // "n" drops its name and has buckets of its own: one nameless series in [7]. Past the limit the store no longer
    // caches the name, so the second lookup builds it again from the views: it must find the variant it made.
    const views: ViewConfig[] = [{ operationType: 'download', operationName: 'n', buckets: [7], attributes: ['operation.type', 'operation.outcome'] }];
    const { s, series } = directStore({ views, limits: { maxSeriesPerMetric: 1 } });
    s.operation('download', 'a').record(1);
    s.operation('download', 'n').record(1);
    s.operation('download', 'n').record(2);
    expect(series()).toEqual([`download/a/success [${DOWNLOAD}] n=1`, 'download//success [7] n=2']);
  });

  it('refuses new buckets for a type whose only series are in a variant\'s table', () => {
    const { s, series } = directStore({ views: [{ operationName: 'n', buckets: [7] }] });
    s.registerType('idx', [1]);
    s.operation('idx', 'n').record(3);
    expect(() => s.registerType('idx', [2])).toThrow(expect.objectContaining({ code: 'PERFKIT_ERR_INVALID_BUCKETS' }));
    expect(() => s.registerType('idx', [1])).not.toThrow(); // the same buckets again change nothing
    expect(series()).toEqual(['idx/n/success [7] n=1']);
  });
});

describe('OperationStore attributes per view', () => {
  it('drops the error type with a view that keeps the outcome but not error.type, and both without the outcome', () => {
    const outcomeOnly = directStore({ views: [{ operationType: 'download', attributes: ['operation.type', 'operation.name', 'operation.outcome'] }] });
    const a = outcomeOnly.s.operation('download', 'a');
    a.record(1, { outcome: 'failure', errorType: 'E1' });
    a.record(2, { outcome: 'failure', errorType: 'E2' });
    expect(outcomeOnly.series()).toEqual([`download/a/success [${DOWNLOAD}] n=0`, `download/a/failure [${DOWNLOAD}] n=2`]);
    const errorOnly = directStore({ views: [{ operationType: 'download', attributes: ['operation.type', 'operation.name', 'error.type'] }] });
    errorOnly.s.operation('download', 'a').record(1, { outcome: 'failure', errorType: 'E1' });
    expect(errorOnly.series()).toEqual([`download/a/ [${DOWNLOAD}] n=1`]);
  });

  it('takes a named view\'s buckets and an unnamed view\'s attributes for the same operation', () => {
    const views: ViewConfig[] = [
      { attributes: ['operation.type', 'operation.name'] },
      { operationName: 'n', buckets: [7] },
    ];
    const { s, series } = directStore({ views });
    s.operation('download', 'n').record(1, { outcome: 'timeout' });
    s.operation('download', 'm').record(1);
    expect(series()).toEqual([`download/m/ [${DOWNLOAD}] n=1`, 'download/n/ [7] n=1']);
  });

  it('names no operation in the attributes of a series whose view drops the name', () => {
    const { s } = directStore({ views: [{ operationType: 'download', attributes: ['operation.type', 'operation.outcome'] }] });
    const collapsed = s.operation('download', 'secret') as OperationHandle;
    expect(s.attributesOf(collapsed)).toEqual({ 'operation.type': 'download' });
  });

  it('leaves an operation that a view names under another type in its type\'s state: one error-type limit for the type', () => {
    const { s, series } = directStore({ views: [{ operationType: 'fallback', operationName: 'n', buckets: [1] }], limits: { maxErrorTypes: 1 } });
    s.operation('download', 'n').record(1, { outcome: 'failure', errorType: 'A' });
    s.operation('download', 'm').record(1, { outcome: 'failure', errorType: 'B' });
    expect(series().filter((x) => x.includes('/failure/'))).toEqual([`download/n/failure/A [${DOWNLOAD}] n=1`, `download/m/failure/_OTHER [${DOWNLOAD}] n=1`]);
  });

  it('builds the type\'s overflow series on the type\'s state, also when a view-named operation\'s new row asks first', () => {
    // "v" keeps its name and outcome but not error.type, and shares the type's table (no buckets of its own).
    const views: ViewConfig[] = [{ operationType: 'download', operationName: 'v', attributes: ['operation.type', 'operation.name', 'operation.outcome'] }];
    const { s, series } = directStore({ views, limits: { maxSeriesPerMetric: 2 } });
    const v = s.operation('download', 'v');
    s.operation('download', 'a').record(1);
    v.record(1, { outcome: 'timeout' }); // past the limit: the type's overflow series
    s.operation('download', 'z').record(1, { outcome: 'failure', errorType: 'E' }); // a new name: overflow, error type kept
    expect(series().map((x) => x.replace(/ \[.*\]/, ''))).toEqual([
      'download/v/success n=0',
      'download/a/success n=1',
      'download//success/overflow n=0',
      'download//timeout/overflow n=1',
      'download//failure/E/overflow n=1',
    ]);
  });
});
