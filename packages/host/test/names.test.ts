import { promName, sanitizeLabelName } from '@perfkit/core';
import { GC_DURATION_BUCKETS, HOST_ATTR, HOST_METRICS, HOST_METRICS_NOTES } from '../src';

describe('HOST_METRICS', () => {
  const defs = Object.values(HOST_METRICS);

  it('gives every metric the Prometheus name written down by hand from the OTel-to-Prometheus rules', () => {
    // Dots to underscores; unit s -> _seconds, By -> _bytes, By/s -> _bytes_per_second, 1 -> _ratio, Cel -> _celsius,
    // W -> _watts, Hz -> _hertz, J -> _joules, {annotation} -> nothing; counters end in _total. Not computed by
    // promName: a new metric needs its name added here by hand, which is the point.
    const expected: Record<keyof typeof HOST_METRICS, string> = {
      cpuTime: 'system_cpu_time_seconds_total',
      cpuUtilization: 'system_cpu_utilization_ratio',
      cpuBusy: 'system_cpu_busy_ratio',
      cpuLogicalCount: 'system_cpu_logical_cpus',
      load1m: 'system_cpu_load_average_1m',
      load5m: 'system_cpu_load_average_5m',
      load15m: 'system_cpu_load_average_15m',
      memoryUsage: 'system_memory_usage_bytes',
      memoryAvailable: 'system_memory_linux_available_bytes',
      memoryLimit: 'system_memory_limit_bytes',
      memoryUtilization: 'system_memory_utilization_ratio',
      pagingUsage: 'system_paging_usage_bytes',
      pagingUtilization: 'system_paging_utilization_ratio',
      filesystemUsage: 'system_filesystem_usage_bytes',
      filesystemLimit: 'system_filesystem_limit_bytes',
      filesystemUtilization: 'system_filesystem_utilization_ratio',
      diskIo: 'system_disk_io_bytes_total',
      diskOperations: 'system_disk_operations_total',
      diskIoTime: 'system_disk_io_time_seconds_total',
      diskOperationTime: 'system_disk_operation_time_seconds_total',
      networkIo: 'system_network_io_bytes_total',
      networkPackets: 'system_network_packet_count_total',
      networkErrors: 'system_network_errors_total',
      networkDropped: 'system_network_packet_dropped_total',
      processCpuTime: 'process_cpu_time_seconds_total',
      processCpuUtilization: 'process_cpu_utilization_ratio',
      processMemoryUsage: 'process_memory_usage_bytes',
      heapUsed: 'nodejs_memory_heap_used_bytes',
      heapTotal: 'nodejs_memory_heap_total_bytes',
      external: 'nodejs_memory_external_bytes',
      openFds: 'process_open_fds',
      eventLoopDelayP50: 'nodejs_eventloop_delay_p50_seconds',
      eventLoopDelayP99: 'nodejs_eventloop_delay_p99_seconds',
      eventLoopDelayMax: 'nodejs_eventloop_delay_max_seconds',
      eventLoopUtilization: 'nodejs_eventloop_utilization_ratio',
      gcDuration: 'v8js_gc_duration_seconds',
      gpuUtilization: 'hw_gpu_utilization_ratio',
      gpuMemoryUsage: 'hw_gpu_memory_usage_bytes',
      gpuMemoryLimit: 'hw_gpu_memory_limit_bytes',
      gpuMemoryUtilization: 'hw_gpu_memory_utilization_ratio',
      gpuTemperature: 'hw_temperature_celsius',
      gpuPower: 'hw_power_watts',
      gpuSmClock: 'perfkit_gpu_clock_sm_hertz',
      gpuMemoryReserved: 'perfkit_gpu_memory_reserved_bytes',
      gpuMemoryControllerUtilization: 'perfkit_gpu_memory_controller_utilization_ratio',
      gpuEnergy: 'hw_energy_joules_total',
      gpuPowerLimit: 'perfkit_gpu_power_limit_watts',
      gpuMemoryClock: 'perfkit_gpu_clock_memory_hertz',
      gpuClockEvents: 'perfkit_gpu_clock_event_active_ratio',
      gpuErrors: 'hw_errors_total',
      gpuPcieThroughput: 'perfkit_gpu_pcie_throughput_bytes_per_second',
      gpuMigInstances: 'perfkit_gpu_mig_instances',
      gpuProcessMemory: 'perfkit_gpu_process_memory_usage_bytes',
      containerMemoryLimit: 'perfkit_container_memory_limit_bytes',
      containerMemoryUsage: 'container_memory_usage_bytes',
      containerMemoryWorkingSet: 'container_memory_working_set_bytes',
      containerMemoryRss: 'container_memory_rss_bytes',
      containerMemoryAvailable: 'container_memory_available_bytes',
      containerMemoryUtilization: 'perfkit_container_memory_utilization_ratio',
      containerMemoryOomKills: 'perfkit_container_memory_oom_kills_total',
      containerMemoryLimitHits: 'perfkit_container_memory_limit_hits_total',
      containerCpuLimit: 'perfkit_container_cpu_limit',
      containerCpuTime: 'container_cpu_time_seconds_total',
      containerCpuUsage: 'container_cpu_usage',
      containerCpuUtilization: 'perfkit_container_cpu_utilization_ratio',
      containerCpuPeriods: 'perfkit_container_cpu_periods_total',
      containerCpuThrottledPeriods: 'perfkit_container_cpu_throttled_periods_total',
      containerCpuThrottledTime: 'perfkit_container_cpu_throttled_time_seconds_total',
      pressureStallTime: 'perfkit_pressure_stall_time_seconds_total',
      pressureAvg10: 'perfkit_pressure_stall_avg10_ratio',
      collectorSuccess: 'perfkit_host_collector_success_ratio',
    };
    expect(Object.fromEntries(Object.entries(HOST_METRICS).map(([k, d]) => [k, d.prom]))).toEqual(expected);
    expect(promName('system.network.packet.dropped', '{packet}', 'counter')).toBe('system_network_packet_dropped_total');
  });

  it('gives every attribute the Prometheus label written down by hand (dots to underscores), as dashboards select on them', () => {
    const labels: Record<keyof typeof HOST_ATTR, string> = {
      cpuMode: 'cpu_mode',
      memoryState: 'system_memory_state',
      pagingState: 'system_paging_state',
      device: 'system_device',
      mountpoint: 'system_filesystem_mountpoint',
      filesystemType: 'system_filesystem_type',
      filesystemState: 'system_filesystem_state',
      diskDirection: 'disk_io_direction',
      interface: 'network_interface_name',
      networkDirection: 'network_io_direction',
      gcType: 'v8js_gc_type',
      hwId: 'hw_id',
      hwName: 'hw_name',
      hwType: 'hw_type',
      hwParent: 'hw_parent',
      gpuIndex: 'hw_gpu_index',
      gpuTask: 'hw_gpu_task',
      errorType: 'error_type',
      pid: 'process_pid',
      clockEventReason: 'perfkit_gpu_clock_event_reason',
      cpuState: 'container_cpu_state',
      pressureResource: 'perfkit_pressure_resource',
      pressureScope: 'perfkit_pressure_scope',
      pressureSource: 'perfkit_pressure_source',
      hostGroup: 'perfkit_host_group',
    };
    expect(Object.fromEntries(Object.entries(HOST_ATTR).map(([k, v]) => [k, sanitizeLabelName(v)]))).toEqual(labels);
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
