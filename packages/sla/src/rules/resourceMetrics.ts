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
  /**
   * The container's family judged instead of `metric` when the target exports it: perfkit writes it only when the
   * process's cgroup has a limit, so `value()` reads the container where there is one and the host elsewhere.
   */
  readonly containerMetric?: string;
}

const braces = (sel: string) => (sel ? `{${sel}}` : '');
const H = HOST_METRICS;
const queueWait = GUARD_METRICS.queueWait.prom;

/** The label a guard's series carry its name in. */
export const GUARD_LABEL = sanitizeLabelName(GUARD_ATTR.guard);
/** The label that tells a GPU's general utilization from its encoder's and decoder's. */
const GPU_TASK_LABEL = sanitizeLabelName(HOST_ATTR.gpuTask);
/** The label a filesystem's series carry its mount point in. */
export const MOUNTPOINT_LABEL = sanitizeLabelName(HOST_ATTR.mountpoint);

/** Labels that tell one scraped target from another: a target's container and host series share them. */
export const TARGET_LABELS = ['job', 'instance'] as const;

/**
 * The container's utilization where the target exports it (only with a limit), else the host's: PromQL `or` keeps
 * every left-hand series and adds a right-hand one only for a target with none on the left.
 */
function containerOrHost(container: string, host: string, what: string): ResourceQuery {
  return {
    metric: host,
    containerMetric: container,
    what,
    value: (sel) => `(${container}${braces(sel)} or on (${TARGET_LABELS.join(', ')}) ${host}${braces(sel)})`,
  };
}

/** The query of each limit kind; every family name comes from @perfkit/host's HOST_METRICS or core's GUARD_METRICS. */
export const RESOURCE_QUERIES: Readonly<Record<LimitResource, ResourceQuery>> = {
  cpu: containerOrHost(H.containerCpuUtilization.prom, H.cpuBusy.prom, 'CPU utilization (of the container quota, else the host)'),
  memory: containerOrHost(H.containerMemoryUtilization.prom, H.memoryUtilization.prom, 'memory utilization (of the container limit, else the host)'),
  diskFree: {
    metric: H.filesystemUtilization.prom,
    what: 'free share of a filesystem',
    value: (sel) => `1 - ${H.filesystemUtilization.prom}${braces(sel)}`,
  },
  gpuUtilization: {
    metric: H.gpuUtilization.prom,
    what: 'GPU utilization',
    // hw.gpu.task="general" (a kernel ran); the encoder and decoder series are not compute load. A negative matcher
    // also keeps a series written without the attribute (earlier perfkit versions).
    value: (sel) => `${H.gpuUtilization.prom}{${[sel, `${GPU_TASK_LABEL}!~"encoder|decoder"`].filter(Boolean).join(',')}}`,
  },
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
