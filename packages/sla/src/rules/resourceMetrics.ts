import { GUARD_ATTR, GUARD_METRICS } from '@perfkit/core';
import { HOST_ATTR, HOST_METRICS } from '@perfkit/host';
import { sanitizeLabelName } from '@perfkit/core';
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

const braces = (sel: string) => (sel ? `{${sel}}` : '');
const H = HOST_METRICS;
const queueWait = GUARD_METRICS.queueWait.prom;

/** The label a guard's series carry its name in. */
export const GUARD_LABEL = sanitizeLabelName(GUARD_ATTR.guard);
/** The label a filesystem's series carry its mount point in. */
export const MOUNTPOINT_LABEL = sanitizeLabelName(HOST_ATTR.mountpoint);

/** The query of each limit kind; every family name comes from @perfkit/host's HOST_METRICS or core's GUARD_METRICS. */
export const RESOURCE_QUERIES: Readonly<Record<LimitResource, ResourceQuery>> = {
  cpu: { metric: H.cpuBusy.prom, what: 'host CPU utilization', value: (sel) => `${H.cpuBusy.prom}${braces(sel)}` },
  memory: { metric: H.memoryUtilization.prom, what: 'host memory utilization', value: (sel) => `${H.memoryUtilization.prom}${braces(sel)}` },
  diskFree: {
    metric: H.filesystemUtilization.prom,
    what: 'free share of a filesystem',
    value: (sel) => `1 - ${H.filesystemUtilization.prom}${braces(sel)}`,
  },
  gpuUtilization: { metric: H.gpuUtilization.prom, what: 'GPU utilization', value: (sel) => `${H.gpuUtilization.prom}${braces(sel)}` },
  gpuMemory: {
    metric: H.gpuMemoryUtilization.prom,
    what: 'GPU memory utilization',
    value: (sel) => `${H.gpuMemoryUtilization.prom}${braces(sel)}`,
  },
  eventLoopDelay: {
    metric: H.eventLoopDelayP99.prom,
    what: 'event-loop delay p99',
    value: (sel) => `${H.eventLoopDelayP99.prom}${braces(sel)}`,
  },
  guardQueueWait: {
    metric: queueWait,
    what: 'p99 queue wait',
    // The limit is a bucket boundary of the queue-wait histogram, so "p99 above it" is exact: more than 1% of waits in higher buckets.
    value: (sel) => `histogram_quantile(0.99, sum without (instance) (rate(${queueWait}_bucket{${sel}}[5m])))`,
  },
  guardUtilization: {
    metric: GUARD_METRICS.utilization.prom,
    what: 'pool utilization',
    value: (sel) => `${GUARD_METRICS.utilization.prom}${braces(sel)}`,
  },
};
