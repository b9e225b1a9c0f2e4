import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { createPerfkit, type Perfkit } from '@perfkit/core';
import { startPrometheus, waitFor, type StartedPrometheus } from '../helpers';
import { AlsContextManager } from './alsContextManager';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

/** Prometheus 2.42 keeps exemplars only with --enable-feature=exemplar-storage: a wrapper adds the flag. */
function prometheusWithExemplars(dir: string): string {
  const file = path.join(dir, 'prometheus-exemplars.sh');
  writeFileSync(file, '#!/bin/sh\nexec prometheus --enable-feature=exemplar-storage "$@"\n');
  chmodSync(file, 0o755);
  return file;
}

describe('exemplars stored by a real Prometheus 2.42', () => {
  let perf: Perfkit;
  let prom: StartedPrometheus;
  let dir: string;
  const manager = new AlsContextManager();

  beforeAll(async () => {
    context.setGlobalContextManager(manager);
    dir = mkdtempSync(path.join(os.tmpdir(), 'perfkit-exemplars-'));
    perf = createPerfkit({ serviceName: 'e2e-exemplars', prometheus: { port: 0 }, logLevel: 'none', exemplars: true });
    await perf.ready();
    const span = trace.wrapSpanContext({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED });
    context.with(trace.setSpan(context.active(), span), () => perf.operation('download', 'traced').record(0.3));
    perf.operation('download', 'untraced').record(0.3); // no active span: no exemplar
    prom = await startPrometheus({ scrapeTargets: [{ url: perf.metricsUrl!, job: 'perfkit' }], binary: prometheusWithExemplars(dir) });
  });

  afterAll(async () => {
    await prom?.stop();
    await perf?.shutdown();
    context.disable();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns the trace and span id of the active span from /api/v1/query_exemplars', async () => {
    await prom.waitForTargets(30_000);
    const end = Date.now() / 1000 + 60;
    const start = end - 600;
    type Result = Array<{ seriesLabels: Record<string, string>; exemplars: Array<{ labels: Record<string, string>; value: string }> }>;
    const found = await waitFor(async () => {
      const data = await prom.api<Result>(`query_exemplars?query=${encodeURIComponent('perfkit_operation_duration_seconds_bucket')}&start=${start}&end=${end}`);
      return data.length ? data : undefined;
    }, 20_000);
    expect(found).toHaveLength(1);
    expect(found[0]!.seriesLabels).toMatchObject({ operation_name: 'traced', le: '0.5' });
    expect(found[0]!.exemplars[0]).toMatchObject({ labels: { trace_id: TRACE_ID, span_id: SPAN_ID }, value: '0.3' });
  });

  it('writes exemplars in OpenMetrics only (text 0.0.4 has no place for them)', async () => {
    const om = await perf.metrics({ openMetrics: true });
    expect(om).toContain(`,le="0.5"} 1 # {trace_id="${TRACE_ID}",span_id="${SPAN_ID}"} 0.3 `);
    expect(await perf.metrics()).not.toContain('trace_id');
  });
});
