import type { ViewConfig } from '../../src/config';
import { OperationStore, type StoreOptions } from '../../src/store/OperationStore';
import { snapshotStore } from '../../src/store/snapshot';

/** What a store built by {@link directStore} is given (every field optional; limits default to the config's). */
export interface DirectStoreOptions {
  views?: ViewConfig[];
  limits?: Partial<StoreOptions['limits']>;
  operationTypes?: StoreOptions['operationTypes'];
  constLabels?: string;
  disabled?: boolean;
  exemplars?: boolean;
}

/**
 * A store built directly (no perfkit around it), with its warnings kept. `series()` lists every series as
 * `type/name/outcome[/errorType][/overflow] [bounds] n=count`, tables in the order the store exports them.
 */
export function directStore(options: DirectStoreOptions = {}) {
  const warnings: string[] = [];
  const diag = { error: () => {}, warn: (m: string) => warnings.push(m), info: () => {}, debug: () => {} };
  const limits = { maxSeriesPerMetric: 2000, maxErrorTypes: 50, maxNameLength: 128, maxOperationTypes: 64, ...options.limits };
  const s = new OperationStore(
    { operationTypes: options.operationTypes ?? {}, views: options.views ?? [], limits, constLabels: options.constLabels, disabled: options.disabled, exemplars: options.exemplars },
    diag,
  );
  const series = () => snapshotStore(s).series.map((x) => `${x.type}/${x.name}/${x.outcome}${x.errorType ? `/${x.errorType}` : ''}${x.isOverflow ? '/overflow' : ''} [${x.bounds.join(',')}] n=${x.count}`);
  return { s, warnings, series };
}
