import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import type { UpDownCounter } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { createPerfkit } from '@perfkit/core';
import type { Figure, PeerName } from '../results';
import { summarize } from '../stats';
import { BUCKETS, operationNames, TYPE } from '../peers/work';
import { blockFigures, maxEventLoopBlock, settledFullGc, type BlockClocks, type EventLoopBlock } from './scrapeSuite';
import type { Suite } from './suite';
import { runDelayClock, threadCpuClock } from './threadCpu';

/** An OTLP/HTTP receiver on loopback that reads each request whole and answers 200 (what a Collector does, minus the work). */
class SinkReceiver {
  private readonly server = http.createServer((req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      this.lastBytes = bytes;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  lastBytes = 0;

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/metrics`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Something that pushes `count` operation series to an OTLP receiver when asked. */
interface ExportSubject {
  populate(names: readonly string[]): void;
  /** One whole export: collection, serialization, the request sent and answered. */
  export(): Promise<void>;
  shutdown(): Promise<void>;
}

const HOUR = 3_600_000;

function perfkitExport(url: string, series: number): ExportSubject {
  const perf = createPerfkit({ serviceName: 'perfkit-bench', prometheus: { serve: false }, logLevel: 'error', limits: { maxSeriesPerMetric: series + 10 }, otlp: { url, intervalMs: HOUR } });
  return {
    populate(names) {
      for (let i = 0; i < names.length; i++) perf.operation(TYPE, names[i]!).record(0.05 + (i % 7) * 0.3);
    },
    export: () => perf.forceFlush(),
    shutdown: () => perf.shutdown(),
  };
}

/** The OpenTelemetry SDK with the same exporter: a histogram and an up-down counter per series, as in the scrape suite. */
function otelExport(url: string, series: number): ExportSubject {
  const reader = new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url }), exportIntervalMillis: HOUR, cardinalityLimits: { default: series + 10 } });
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'perfkit-bench' }), readers: [reader] });
  const meter = provider.getMeter('perfkit-bench');
  const duration = meter.createHistogram('perfkit.operation.duration', { unit: 's', advice: { explicitBucketBoundaries: [...BUCKETS] } });
  const active: UpDownCounter = meter.createUpDownCounter('perfkit.operations.active', { unit: '{operation}' });
  return {
    populate(names) {
      for (let i = 0; i < names.length; i++) {
        duration.record(0.05 + (i % 7) * 0.3, { 'operation.type': TYPE, 'operation.name': names[i]!, 'operation.outcome': 'success' });
        active.add(0, { 'operation.type': TYPE, 'operation.name': names[i]! });
      }
    },
    export: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

const EXPORT_PEERS: ReadonlyArray<readonly [PeerName, (url: string, series: number) => ExportSubject]> = [
  ['perfkit', perfkitExport],
  ['otel', otelExport],
];

/**
 * OTLP export: how long one push of N operation series (a duration histogram with 12 buckets and an active gauge
 * each) holds the event loop, perfkit against the OpenTelemetry SDK with the same exporter
 * (`@opentelemetry/exporter-metrics-otlp-http`) to a receiver on loopback in the same process, exports interleaved.
 * prom-client pushes no OTLP.
 */
export const otlpSuite: Suite = {
  name: 'otlp',
  title: 'OTLP export (pushing N operation series)',
  async run({ profile, progress, root }) {
    const figures: Figure[] = [];
    const loadBefore = loadavg()[0]!;
    const cpuClock = threadCpuClock(root);
    const delayClock = runDelayClock();
    const clocks: BlockClocks = { cpu: cpuClock.now, sched: delayClock?.sample };
    const notes: string[] = [
      'perfkit: perf.forceFlush() with otlp.url set; otel: MeterProvider.forceFlush() with a PeriodicExportingMetricReader; both through @opentelemetry/exporter-metrics-otlp-http (OTLP/JSON) to an HTTP receiver on loopback in the same process that reads each request and answers 200. The receiver\'s reads are turns of the same loop.',
    ];
    for (const size of profile.otlpSeries) {
      const receiver = new SinkReceiver();
      const url = await receiver.start();
      const subjects = EXPORT_PEERS.map(([peer, make]) => [peer, make(url, size)] as const);
      try {
        const names = operationNames(size);
        const bytes: Partial<Record<PeerName, number>> = {};
        for (const [peer, subject] of subjects) {
          subject.populate(names);
          await subject.export(); // the first export also loads and warms the exporter
          bytes[peer] = receiver.lastBytes;
          if (receiver.lastBytes < size * 100) throw new Error(`otlp ${size}: ${peer} sent ${receiver.lastBytes} bytes for ${size} series`);
        }
        progress(`  otlp.blocking.${size}: ${profile.scrapeRounds} rounds`);
        const blocks: Partial<Record<PeerName, EventLoopBlock[]>> = {};
        const exportMs: Partial<Record<PeerName, number[]>> = {};
        for (let round = 0; round < profile.scrapeRounds; round++) {
          for (let i = 0; i < subjects.length; i++) {
            const [peer, subject] = subjects[(i + round) % subjects.length]!;
            await settledFullGc();
            const t0 = performance.now();
            (blocks[peer] ??= []).push(await maxEventLoopBlock(() => subject.export(), 1, clocks));
            (exportMs[peer] ??= []).push(performance.now() - t0);
          }
        }
        figures.push(...blockFigures(size, blocks, `longest event-loop block during one OTLP export of ${size} series`, '', 'otlp'));
        notes.push(`${size} series: perfkit sent ${((bytes.perfkit ?? 0) / 1e6).toFixed(1)} MB a request, otel ${((bytes.otel ?? 0) / 1e6).toFixed(1)} MB; an export took ${summarize(exportMs.perfkit!).median.toFixed(0)} ms (perfkit, in slices) and ${summarize(exportMs.otel!).median.toFixed(0)} ms (otel) of wall time.`);
      } finally {
        for (const [, subject] of subjects) await subject.shutdown();
        await receiver.stop();
      }
    }
    notes.push(`CPU figures: ${cpuClock.what}.`);
    notes.push(`Load average ${loadBefore.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores while this suite ran (Node ${process.versions.node}).`);
    return { figures, notes };
  },
};

