import { createPerfkit, type Perfkit } from '@perfkit/core';
import type { Resource } from '@opentelemetry/resources';
import type { OperationStore } from '../src/store/OperationStore';

/**
 * A perfkit without a server holding `series` download series of one 0.2 s observation each (`op-0`, `op-1`, ...),
 * with its store and resource for the tests of what reads them; added to `open` to be shut down.
 */
export function perfWithSeries(series: number, open: Perfkit[]): { perf: Perfkit; store: OperationStore; resource: Resource } {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', limits: { maxSeriesPerMetric: series + 10 } });
  open.push(perf);
  for (let i = 0; i < series; i++) perf.operation('download', `op-${i}`).record(0.2);
  const { store, resource } = perf as unknown as { store: OperationStore; resource: Resource };
  return { perf, store, resource };
}
