import type { ResolvedConfig } from '../config';
import type { OperationStore } from '../store/OperationStore';
import type { ConfigSummary } from './protocol';

/** The configuration a perfkit sends in its hello (what decides the meaning of its numbers). */
export type SummarizedConfig = Pick<ResolvedConfig, 'limits' | 'views' | 'exemplars' | 'resourceAttributes' | 'serviceVersion'>;

/** The summary of a perfkit's configuration that a worker sends and its aggregator compares. */
export function summarizeConfig(config: SummarizedConfig | undefined, store: OperationStore): ConfigSummary {
  const types: Record<string, number[]> = {};
  for (const [type, state] of store.types) types[type] = Array.from(state.table.bounds);
  const resource: Record<string, string | number | boolean> = { ...(config?.resourceAttributes ?? {}) };
  delete resource['service.instance.id'];
  if (config?.serviceVersion) resource['service.version'] = config.serviceVersion;
  return {
    types,
    limits: { ...(config?.limits ?? {}) },
    shape: { views: config?.views ?? [], exemplars: config?.exemplars ?? false },
    resource,
  };
}

/** A difference between a worker's configuration and its aggregator's. */
export interface ConfigDifference {
  /** `buckets` (per operation type) or `limits`, `shape`, `resource`. */
  readonly kind: 'buckets' | 'limits' | 'shape' | 'resource';
  /** The operation type (`buckets`) or the setting. */
  readonly key: string;
  readonly theirs: string;
  readonly ours: string;
  /** The two bucket layouts (`buckets`). */
  readonly bounds?: { readonly theirs: readonly number[]; readonly ours: readonly number[] };
}

/**
 * What differs between a worker's configuration and ours, for the settings that change what merged numbers mean.
 * Types only one side registered are left out: a worker's own type is registered here with its buckets when it
 * first reports one (said then), and a type only we registered costs the worker nothing. Never throws on a
 * malformed summary: what cannot be read is not compared.
 */
export function configDifferences(theirs: unknown, ours: ConfigSummary): ConfigDifference[] {
  if (typeof theirs !== 'object' || theirs === null) return [];
  const t = theirs as Partial<Record<keyof ConfigSummary, unknown>>;
  const out: ConfigDifference[] = [];
  const theirTypes = asRecord(t.types);
  for (const [type, bounds] of Object.entries(ours.types)) {
    const other = theirTypes[type];
    if (!Array.isArray(other) || !other.every((b) => typeof b === 'number') || show(other) === show(bounds)) continue;
    out.push({ kind: 'buckets', key: type, theirs: show(other), ours: show(bounds), bounds: { theirs: other as number[], ours: bounds } });
  }
  for (const kind of ['limits', 'shape', 'resource'] as const) {
    // A section the worker did not send (or sent malformed) is not compared: only what it said is.
    if (asRecord(t[kind]) !== t[kind]) continue;
    const mine = ours[kind] as Record<string, unknown>;
    const other = t[kind] as Record<string, unknown>;
    for (const key of new Set([...Object.keys(mine), ...Object.keys(other)])) {
      const a = show(other[key]);
      const b = show(mine[key]);
      if (a !== b) out.push({ kind, key, theirs: a, ours: b });
    }
  }
  return out;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A value as the diagnostic line shows it, cut to size. */
function show(value: unknown): string {
  if (value === undefined) return '(unset)';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = '(unreadable)';
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
