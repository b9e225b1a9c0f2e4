// An app with its own OpenTelemetry SDK (3.x on Node 26 in the packaging test; any line works) and perfkit next to
// it: perfkit's operations reach the app's exporter through perf.metricProducer(), the app's instruments reach
// perfkit's /metrics through perf.metricReader(). The app imports the SDK as ESM; perfkit (CommonJS) requires it, so
// under SDK 3's dual build these are two copies of its classes and only shapes may cross.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { createPerfkit } from '@perfkit/core';

const require = createRequire(import.meta.url);
const packageDir = (file) => (file.includes('/dist/') ? file.slice(0, file.indexOf('/dist/')) : join(dirname(file), '..', '..'));
const sdkVersion = JSON.parse(readFileSync(join(packageDir(require.resolve('@opentelemetry/sdk-metrics')), 'package.json'), 'utf8')).version;
const perfRequire = createRequire(require.resolve('@perfkit/core'));
const perfkitSdk = packageDir(perfRequire.resolve('@opentelemetry/sdk-metrics'));

const perf = createPerfkit({ serviceName: 'sdk-app', prometheus: { port: 0 }, logLevel: 'error' });
await perf.ready();
perf.meter.createObservableGauge('perfkit.plugin.level').addCallback((r) => r.observe(0.5)); // perfkit's own SDK use
const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const appReader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000, metricProducers: [perf.metricProducer()] });
const provider = new MeterProvider({ readers: [appReader, perf.metricReader()] });
provider.getMeter('app').createCounter('app.requests', { unit: '{request}' }).add(5, { route: '/x' });

const download = perf.operation('download', 'weights');
download.track(() => 1);
await download.track(async () => 2);
await provider.forceFlush();

const exported = exporter.getMetrics().at(-1)?.scopeMetrics.flatMap((s) => s.metrics) ?? [];
const duration = exported.find((m) => m.descriptor.name === 'perfkit.operation.duration');
const scrape = await (await fetch(perf.metricsUrl)).text();
await provider.shutdown();
await perf.shutdown();
process.stdout.write(
  JSON.stringify({
    node: process.versions.node,
    sdkVersion,
    perfkitSdk,
    exportedNames: exported.map((m) => m.descriptor.name),
    durationCount: duration?.dataPoints.reduce((n, p) => n + p.value.count, 0),
    scrape,
  }) + '\n',
);
