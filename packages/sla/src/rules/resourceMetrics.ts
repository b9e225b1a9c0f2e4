import { promName } from '@perfkit/core';
import type { LimitResource } from '../thresholds';

/** How a limit reads its metric in PromQL. `value(sel)` yields one series per host/device/guard to compare. */
export interface ResourceQuery {
  /** Prometheus family the limit reads. */
  readonly metric: string;
  /** PromQL for the value compared with the limit; `sel` is the label matchers (without braces). */
  value(sel: string): string;
  /** What the value is, for annotations. */
  readonly what: string;
}

// The host and guard tasks export these names (HOST_METRICS in @perfkit/host, guard defs in core's names.ts).
// Until they land, the OpenTelemetry names are listed here once and turned into wire names by core's promName,
// so no wire name is typed by hand; this table switches to imports when the tables exist.
const cpu = promName('system.cpu.utilization', '1', 'gauge');
const memory = promName('system.memory.utilization', '1', 'gauge');
const filesystem = promName('system.filesystem.utilization', '1', 'gauge');
const gpu = promName('hw.gpu.utilization', '1', 'gauge');
const gpuMemory = promName('hw.gpu.memory.utilization', '1', 'gauge');
const eventLoop = promName('nodejs.eventloop.delay.p99', 's', 'gauge');
const queueWait = promName('perfkit.guard.queue_wait', 's', 'histogram');
const guardUtilization = promName('perfkit.guard.utilization', '1', 'gauge');

const braces = (sel: string) => (sel ? `{${sel}}` : '');

/** The query of each limit kind. */
export const RESOURCE_QUERIES: Readonly<Record<LimitResource, ResourceQuery>> = {
  cpu: { metric: cpu, what: 'host CPU utilization', value: (sel) => `max without (cpu) (${cpu}${braces(sel)})` },
  memory: { metric: memory, what: 'host memory utilization', value: (sel) => `${memory}${braces(sel)}` },
  diskFree: { metric: filesystem, what: 'free share of a filesystem', value: (sel) => `1 - ${filesystem}${braces(sel)}` },
  gpuUtilization: { metric: gpu, what: 'GPU utilization', value: (sel) => `${gpu}${braces(sel)}` },
  gpuMemory: { metric: gpuMemory, what: 'GPU memory utilization', value: (sel) => `${gpuMemory}${braces(sel)}` },
  eventLoopDelay: { metric: eventLoop, what: 'event-loop delay p99 (seconds)', value: (sel) => `${eventLoop}${braces(sel)}` },
  guardQueueWait: {
    metric: queueWait,
    what: 'p99 queue wait of the guard (seconds)',
    value: (sel) => `histogram_quantile(0.99, sum without (instance) (rate(${queueWait}_bucket{${sel}}[5m])))`,
  },
  guardUtilization: { metric: guardUtilization, what: 'guard pool utilization', value: (sel) => `${guardUtilization}${braces(sel)}` },
};
