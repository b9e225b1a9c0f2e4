import type { Attributes, Meter } from '@opentelemetry/api';
import { HOST_ATTR } from '../names';
import type { HostGroup } from '../types';
import { observeGroup } from './observeGroup';

/** What the success gauge needs of a group's sampler. */
export interface SamplerHealth {
  /** Whether the last finished run succeeded; undefined before the first one finished. */
  readonly isHealthy: boolean | undefined;
}

/**
 * perfkit.host.collector.success per sampled group: 1 after a successful collection, 0 after a failed one (whose
 * figures were dropped), nothing before the first, as node_exporter's node_scrape_collector_success.
 */
export function observeCollectors(meter: Meter, samplers: ReadonlyMap<HostGroup, SamplerHealth>): () => void {
  const attributes = new Map<HostGroup, Attributes>();
  return observeGroup(meter, ['collectorSuccess'], (emit) => {
    for (const [group, sampler] of samplers) {
      const healthy = sampler.isHealthy;
      if (healthy === undefined) continue;
      let a = attributes.get(group);
      if (!a) attributes.set(group, (a = { [HOST_ATTR.hostGroup]: group }));
      emit('collectorSuccess', healthy ? 1 : 0, a);
    }
  });
}
