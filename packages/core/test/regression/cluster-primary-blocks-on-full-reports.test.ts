import { loadConfig } from '../../src/config';
import { createDiagLogger } from '../../src/diag';
import { SourceState } from '../../src/cluster/SourceState';
import { StoreMerger } from '../../src/cluster/StoreMerger';
import { StoreReporter } from '../../src/cluster/StoreReporter';
import type { WireReport } from '../../src/cluster/protocol';
import { OperationStore } from '../../src/store/OperationStore';

// A node:cluster primary aggregating 8 workers x 2,000 series took 17x the scrape time of one process and blocked
// its event loop for 312 ms: every report carried every row of the worker (~584 KiB of JSON), and the primary parsed
// and merged each in one go. Reports now carry only what changed since the report the primary acknowledged, and
// the primary merges in steps it can yield between.

function setup(series: number) {
  const storeOf = () => new OperationStore(loadConfig({ prometheus: false, limits: { maxSeriesPerMetric: series + 100 } }, {}), createDiagLogger('none'));
  const worker = storeOf();
  const primary = storeOf();
  for (let i = 0; i < series; i++) worker.operation('download', `op-${i}`).record(0.001 * (i % 100));
  return { worker, primary, reporter: new StoreReporter(worker), merger: new StoreMerger(primary, createDiagLogger('none')), source: new SourceState('worker 1') };
}

describe('a cluster primary fed full reports', () => {
  it('gets a report of a few hundred bytes when one series of 2,000 changed since the acknowledged report', () => {
    const { worker, reporter, merger, source } = setup(2000);
    const first = reporter.build(false);
    expect(JSON.stringify(first).length).toBeGreaterThan(50_000); // the first report announces 2,000 series
    merger.apply(source, first);
    (reporter as unknown as { ack?: (seq: number) => void }).ack?.((first as WireReport & { seq: number }).seq);
    worker.operation('download', 'op-7').record(1);
    expect(JSON.stringify(reporter.build(false)).length).toBeLessThan(1000);
  });

  it('merges 2,000 new series in many steps of at most 32 rows, so that no step holds the event loop long', () => {
    const { reporter, merger, source, primary } = setup(2000);
    const steps = (merger as unknown as { steps?: (s: SourceState, r: WireReport) => Generator<void, boolean> }).steps;
    expect(typeof steps).toBe('function');
    const iterator = steps!.call(merger, source, reporter.build(false));
    const mergedAfter: number[] = [];
    for (let r = iterator.next(); !r.done; r = iterator.next()) mergedAfter.push(primary.handles.length);
    expect(mergedAfter.length).toBeGreaterThanOrEqual(2000 / 32 - 1);
    for (let i = 1; i < mergedAfter.length; i++) expect(mergedAfter[i]! - mergedAfter[i - 1]!).toBeLessThanOrEqual(32);
    expect(primary.handles).toHaveLength(2000);
  });
});
