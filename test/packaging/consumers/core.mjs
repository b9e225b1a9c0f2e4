// ESM consumer of @perfkit/core (a CommonJS package imported by name): serves /metrics and prints a scrape.
import { createPerfkit, METRICS } from '@perfkit/core';

const perf = createPerfkit({ serviceName: 'consumer-esm', prometheus: { port: 0 }, logLevel: 'error' });
await perf.ready();
await perf.operation('download', 'weights').track(async () => 42);
const res = await fetch(perf.metricsUrl);
const text = await res.text();
await perf.shutdown();
process.stdout.write(`status ${res.status} ${METRICS.operationDuration.otel}\n${text}`);
