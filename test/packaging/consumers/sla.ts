// Strict TypeScript consumer of @perfkit/host's and @perfkit/sla's types.
import { createPerfkit } from '@perfkit/core';
import { hostMetrics, type HostMetricsPlugin } from '@perfkit/host';
import { parseSlaSpec, slaThresholds, type SlaThresholds } from '@perfkit/sla';

const perf = createPerfkit({ prometheus: { serve: false } });
const host: HostMetricsPlugin = perf.use(hostMetrics({ gpu: false }));
const t: SlaThresholds = slaThresholds(parseSlaSpec({ service: 's', window: '28d', objectives: [] }));
export const used: unknown[] = [host.latest(), t.objectives];
// @ts-expect-error real types: a plug-in's latest() sample has no such field
export const nope = host.latest()?.noSuchGroup;
// @ts-expect-error real types: thresholds come from a parsed spec
slaThresholds(42);
