/*
 * Bug: names had drifted from the OpenTelemetry semantic conventions: cpu.mode "irq"/"softirq" (the convention's
 * value is "interrupt"), the deprecated system.network.packets/dropped and system.linux.memory.available, invented
 * hw.gpu.* names and no hw.type on GPU series. Expected names come from the installed
 * @opentelemetry/semantic-conventions incubating entry, not from perfkit's own table.
 */
import * as semconv from '@opentelemetry/semantic-conventions/incubating';
import { HOST_ATTR, HOST_METRICS, RENAMED_HOST_METRICS } from '../../src';
import { buildFakeNvml, startHost, tempDir } from '../fixtures/fakes';

const registry = semconv as unknown as Record<string, string>;
/** Every metric name the registry defines, and the deprecated ones (their doc says "Replaced by"). */
const METRICS = new Set(Object.entries(registry).filter(([k]) => k.startsWith('METRIC_')).map(([, v]) => v));
const DEPRECATED = new Set(['system.network.packets', 'system.network.dropped', 'system.linux.memory.available', 'process.open_file_descriptor.count']);

const NOT_IN_REGISTRY = new Set([
  'system.cpu.logical_cpus',
  'process.open_fds',
  'system.cpu.load_average.1m',
  'system.cpu.load_average.5m',
  'system.cpu.load_average.15m',
  'system.cpu.busy',
]);

describe('regression: host names follow the semantic conventions registry', () => {
  it('uses semconv names for every non-perfkit metric, none of them deprecated', () => {
    for (const def of Object.values(HOST_METRICS)) {
      if (def.otel.startsWith('perfkit.') || def.otel.startsWith('nodejs.')) continue;
      // Documented exceptions: the two promtool renames (names.test.ts), the Collector hostmetrics receiver's load
      // averages, and system.cpu.busy (kept for existing rules; listed in the README as not in the registry).
      if (NOT_IN_REGISTRY.has(def.otel)) continue;
      expect([def.otel, METRICS.has(def.otel)]).toEqual([def.otel, true]);
      expect([def.otel, DEPRECATED.has(def.otel)]).toEqual([def.otel, false]);
    }
    expect(HOST_METRICS.networkPackets.otel).toBe(registry.METRIC_SYSTEM_NETWORK_PACKET_COUNT);
    expect(HOST_METRICS.networkDropped.otel).toBe(registry.METRIC_SYSTEM_NETWORK_PACKET_DROPPED);
    expect(HOST_METRICS.memoryAvailable.otel).toBe(registry.METRIC_SYSTEM_MEMORY_LINUX_AVAILABLE);
    expect(HOST_METRICS.containerMemoryWorkingSet.otel).toBe(registry.METRIC_CONTAINER_MEMORY_WORKING_SET);
    expect(HOST_METRICS.gpuPower.otel).toBe(registry.METRIC_HW_POWER);
    expect(HOST_ATTR.hwType).toBe(registry.ATTR_HW_TYPE);
    expect(HOST_ATTR.gpuTask).toBe(registry.ATTR_HW_GPU_TASK);
  });

  it('keeps a documented old → new entry for every renamed name', () => {
    const olds = RENAMED_HOST_METRICS.map((r) => r.old).join('\n');
    for (const old of ['system.network.packets', 'system.network.dropped', 'system.linux.memory.available', 'irq', 'hw.gpu.temperature', 'hw.gpu.power', 'hw.gpu.clock.sm']) expect(olds).toContain(old);
  });

  it('writes cpu.mode values of the registry and hw.type="gpu" on /metrics', async () => {
    const { dir, cleanup } = tempDir('semconv');
    const nvml = buildFakeNvml(dir);
    const { perf, host } = startHost({ intervalMs: 100, gpu: 'nvml', nvmlLibrary: nvml });
    try {
      await host.collectNow();
      await new Promise((r) => setTimeout(r, 120));
      await host.collectNow();
      const text = await perf.metrics();
      const modes = new Set([...text.matchAll(/^system_cpu_utilization_ratio\{cpu_mode="(\w+)"\}/gm)].map((m) => m[1]));
      const allowed = new Set(Object.entries(registry).filter(([k]) => k.startsWith('CPU_MODE_VALUE_')).map(([, v]) => v));
      expect(modes.size).toBeGreaterThan(0);
      for (const m of modes) expect([m, allowed.has(m!)]).toEqual([m, true]);
      expect(modes.has('interrupt')).toBe(true);
      const gpuLines = text.split('\n').filter((l) => /^hw_gpu_/.test(l));
      expect(gpuLines.length).toBeGreaterThan(0);
      for (const l of gpuLines) expect(l).toMatch(/hw_type="gpu"/);
      expect(text).toMatch(/^hw_gpu_utilization_ratio\{[^}]*hw_gpu_task="general"/m);
      expect(text).toMatch(/^system_network_packet_count_total\{/m);
    } finally {
      await perf.shutdown();
      cleanup();
    }
  });
});
