import { promName } from '@perfkit/core';
import { GC_DURATION_BUCKETS, HOST_ATTR, HOST_METRICS, HOST_METRICS_NOTES } from '../src';

describe('HOST_METRICS', () => {
  const defs = Object.values(HOST_METRICS);

  it('derives every Prometheus name from the OpenTelemetry name, unit and kind', () => {
    for (const d of defs) expect(d.prom).toBe(promName(d.otel, d.unit, d.kind));
  });

  it('has unique names, a description and a source for every metric', () => {
    expect(new Set(defs.map((d) => d.prom)).size).toBe(defs.length);
    expect(new Set(defs.map((d) => d.otel)).size).toBe(defs.length);
    for (const d of defs) {
      expect(d.description.length).toBeGreaterThan(10);
      expect(d.source.length).toBeGreaterThan(3);
    }
  });

  it('uses only attribute keys from HOST_ATTR, and hw.type on every GPU metric', () => {
    const keys = new Set<string>(Object.values(HOST_ATTR));
    for (const d of defs) for (const a of d.attributes) expect(keys.has(a)).toBe(true);
    for (const d of defs.filter((x) => x.group === 'gpu')) expect([d.otel, d.attributes.includes(HOST_ATTR.hwType)]).toEqual([d.otel, true]);
  });

  it('ends counters in _total and never gives a gauge a _count or _total suffix (promtool rules)', () => {
    for (const d of defs) {
      if (d.kind === 'counter') expect(d.prom.endsWith('_total')).toBe(true);
      else expect(/_(count|total)$/.test(d.prom)).toBe(false);
    }
  });

  it('gives GC buckets in seconds, increasing, below a second', () => {
    expect(GC_DURATION_BUCKETS.every((b, i) => i === 0 || b > GC_DURATION_BUCKETS[i - 1]!)).toBe(true);
    expect(GC_DURATION_BUCKETS[0]).toBeLessThan(0.001);
    expect(GC_DURATION_BUCKETS[GC_DURATION_BUCKETS.length - 1]).toBeLessThanOrEqual(1);
  });

  it('explains in the docs note why @opentelemetry/host-metrics is not reused', () => {
    expect(HOST_METRICS_NOTES).toMatch(/MemAvailable/);
    expect(HOST_METRICS_NOTES).toMatch(/near-zero interval/);
  });
});
