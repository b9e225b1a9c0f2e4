// Strict TypeScript consumer of @perfkit/core's published types (compiled with moduleResolution node16 and bundler).
import { createPerfkit, PerfkitError, type Operation, type Perfkit, type StoreSnapshot } from '@perfkit/core';

const perf: Perfkit = createPerfkit({ serviceName: 'consumer-ts', prometheus: { port: 0 } });
const op: Operation = perf.operation('download', 'weights');
const n: number = op.track((ctx) => {
  ctx.addBytes(10);
  return 1;
});
const snapshot: StoreSnapshot = perf.snapshot();
const producer = perf.metricProducer();
const reader = perf.metricReader();
export const used: unknown[] = [n, snapshot.series.length, producer.collect, reader.selectAggregationTemporality, PerfkitError];
export const text: Promise<string> = perf.metrics({ openMetrics: true });
// @ts-expect-error a bound handle has no such method: the types are real, not `any`
op.noSuchMethod();
