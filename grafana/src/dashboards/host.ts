import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { sanitizeLabelName } from '@perfkit/core';
import { HOST_ATTR, HOST_METRICS } from '@perfkit/host';
import type { BuildContext } from '../lib/context';
import { perfkitDashboard } from '../lib/dashboard';
import { timeseries, type Query } from '../lib/panels';
import { increase, quantile, rate, sel, sumBy } from '../lib/promql';
import { unitFor } from '../lib/units';
import { instanceVariable, serviceVariable } from '../lib/variables';

const H = HOST_METRICS;
/** Prometheus label of a host attribute. */
const L = Object.fromEntries(Object.entries(HOST_ATTR).map(([k, v]) => [k, sanitizeLabelName(v)])) as { [K in keyof typeof HOST_ATTR]: string };
const legend = (...labels: string[]) => labels.map((l) => `{{${l}}}`).join(' ');
// Per-host figures keep `instance`: a share, a temperature or a clock summed over hosts is no figure of any host, and
// two hosts' `sda`, `eth0` or GPU 0 are different devices.
const HOST = 'instance';
const GPU = [HOST, L.gpuIndex, L.hwName];
const GPU_LEGEND = `${legend(HOST)} GPU ${legend(L.gpuIndex)} ${legend(L.hwName)}`;
const value = (metric: { prom: string }, by: readonly string[]) => sumBy(by, sel(metric.prom));
const perSecond = (metric: { prom: string }, by: readonly string[]) => sumBy(by, rate(sel(metric.prom)));
const L_PSI = [HOST, L.pressureResource, L.pressureScope, L.pressureSource];
const threshold = (limit: number | undefined) => (limit === undefined ? undefined : [{ value: null, color: 'green' }, { value: limit, color: 'red' }]);

/** Host: USE for CPU, memory, disk, network, the process's container (cgroup), the Node.js process and event loop, and every GPU. */
export function hostDashboard(ctx: BuildContext): Dashboard {
  const limit = (resource: string) => ctx.thresholds.limits.find((l) => l.resource === resource)?.limit;
  const gpu = (title: string, description: string, metric: (typeof H)[keyof typeof H], extra: Query[] = []) =>
    timeseries({ title, description, unit: unitFor(metric, 'value'), queries: [{ expr: value(metric, GPU), legend: GPU_LEGEND }, ...extra], span: 8 });
  return perfkitDashboard({
    uid: 'perfkit-host',
    title: 'perfkit / Host',
    description: 'Utilization, saturation and errors of the hosts the services run on: CPU, memory, disks, network, the container (cgroup limits, throttling, pressure, OOM kills), the Node.js process and event loop, GPUs.',
    runbooksUrl: ctx.runbooksUrl,
    variables: [serviceVariable(ctx.job), instanceVariable()],
    rows: [
      [
        'CPU and memory',
        [
          timeseries({ title: 'CPU utilization by mode', description: 'Share of all CPUs per mode (user, system, iowait, ...).', unit: unitFor(H.cpuUtilization, 'value'), queries: [{ expr: value(H.cpuUtilization, [HOST, L.cpuMode]), legend: legend(HOST, L.cpuMode) }], thresholds: threshold(limit('cpu')), min: 0 }),
          timeseries({
            title: 'Load average',
            description: 'Runnable threads (saturation) against the number of logical CPUs.',
            unit: unitFor(H.load1m, 'value'),
            queries: [
              { expr: value(H.load1m, []), legend: '1m' },
              { expr: value(H.load5m, []), legend: '5m' },
              { expr: value(H.load15m, []), legend: '15m' },
              { expr: value(H.cpuLogicalCount, []), legend: 'logical CPUs' },
            ],
          }),
          timeseries({
            title: 'Memory',
            description: 'Memory in use (total − available), available and total.',
            unit: unitFor(H.memoryAvailable, 'value'),
            queries: [
              { expr: value(H.memoryUsage, [L.memoryState]), legend: legend(L.memoryState) },
              { expr: value(H.memoryAvailable, []), legend: 'available' },
              { expr: value(H.memoryLimit, []), legend: 'total' },
            ],
          }),
          timeseries({ title: 'Memory utilization', description: 'Share of memory in use; swap in use.', unit: unitFor(H.memoryUtilization, 'value'), min: 0, max: 1, thresholds: threshold(limit('memory')), queries: [{ expr: value(H.memoryUtilization, [HOST]), legend: `memory ${legend(HOST)}` }, { expr: value(H.pagingUtilization, [HOST]), legend: `swap ${legend(HOST)}` }] }),
        ],
      ],
      [
        'Disks and network',
        [
          timeseries({ title: 'Filesystem utilization', description: 'Share of each filesystem in use.', unit: unitFor(H.filesystemUtilization, 'value'), min: 0, max: 1, thresholds: threshold(limit('diskFree') === undefined ? undefined : 1 - limit('diskFree')!), queries: [{ expr: value(H.filesystemUtilization, [HOST, L.mountpoint, L.device]), legend: legend(HOST, L.mountpoint) }] }),
          timeseries({ title: 'Disk throughput', description: 'Bytes read and written per second per disk.', unit: unitFor(H.diskIo, 'rate'), queries: [{ expr: perSecond(H.diskIo, [HOST, L.device, L.diskDirection]), legend: legend(HOST, L.device, L.diskDirection) }] }),
          timeseries({ title: 'Disk busy time', description: 'Share of time each disk had I/O in flight (utilization).', unit: unitFor(H.diskIoTime, 'rate'), min: 0, queries: [{ expr: perSecond(H.diskIoTime, [HOST, L.device]), legend: legend(HOST, L.device) }] }),
          timeseries({ title: 'Network throughput', description: 'Bytes received and sent per second per interface.', unit: unitFor(H.networkIo, 'rate'), queries: [{ expr: perSecond(H.networkIo, [HOST, L.interface, L.networkDirection]), legend: legend(HOST, L.interface, L.networkDirection) }] }),
          timeseries({
            title: 'Network errors and drops',
            description: 'Receive/transmit errors and dropped packets per second (errors of the USE method).',
            unit: unitFor(H.networkErrors, 'rate'),
            queries: [
              { expr: perSecond(H.networkErrors, [HOST, L.interface, L.networkDirection]), legend: `errors ${legend(HOST, L.interface, L.networkDirection)}` },
              { expr: perSecond(H.networkDropped, [HOST, L.interface, L.networkDirection]), legend: `dropped ${legend(HOST, L.interface, L.networkDirection)}` },
            ],
          }),
        ],
      ],
      [
        // The process's cgroup (container.*, perfkit.container.*, perfkit.pressure.*): limits bind here, not at the host.
        'Container (cgroup)',
        [
          timeseries({
            title: 'Container memory vs limit',
            description: 'Usage (page cache included), working set (usage − inactive file: what an OOM kill is judged on), anonymous memory (RSS) and the cgroup limit (absent when unlimited).',
            unit: unitFor(H.containerMemoryUsage, 'value'),
            queries: [
              { expr: value(H.containerMemoryUsage, ['instance']), legend: 'usage {{instance}}' },
              { expr: value(H.containerMemoryWorkingSet, ['instance']), legend: 'working set {{instance}}' },
              { expr: value(H.containerMemoryRss, ['instance']), legend: 'rss {{instance}}' },
              { expr: value(H.containerMemoryLimit, ['instance']), legend: 'limit {{instance}}' },
            ],
          }),
          timeseries({ title: 'Container memory utilization', description: 'Working set as a share of the memory limit (what the SLA memory rule judges when there is a limit).', unit: unitFor(H.containerMemoryUtilization, 'value'), min: 0, max: 1, thresholds: threshold(limit('memory')), queries: [{ expr: value(H.containerMemoryUtilization, ['instance']), legend: '{{instance}}' }] }),
          timeseries({
            title: 'Container CPU vs quota',
            description: 'CPUs the cgroup used on average over each sampling interval, against its CFS quota in cores (absent when unlimited).',
            unit: unitFor(H.containerCpuUsage, 'value'),
            min: 0,
            queries: [
              { expr: value(H.containerCpuUsage, ['instance']), legend: 'used {{instance}}' },
              { expr: value(H.containerCpuLimit, ['instance']), legend: 'quota {{instance}}' },
            ],
          }),
          timeseries({ title: 'Container CPU utilization of quota', description: 'CPU used as a share of the quota (what the SLA cpu rule judges when there is a quota).', unit: unitFor(H.containerCpuUtilization, 'value'), min: 0, thresholds: threshold(limit('cpu')), queries: [{ expr: value(H.containerCpuUtilization, ['instance']), legend: '{{instance}}' }] }),
          timeseries({
            title: 'CPU throttling',
            description: 'Share of CFS periods in which the cgroup hit its quota, and the share of each second it spent throttled.',
            unit: 'percentunit',
            min: 0,
            queries: [
              { expr: `${perSecond(H.containerCpuThrottledPeriods, ['instance'])}\n/\n${perSecond(H.containerCpuPeriods, ['instance'])}`, legend: 'throttled periods {{instance}}' },
              { expr: perSecond(H.containerCpuThrottledTime, ['instance']), legend: 'throttled time {{instance}}' },
            ],
          }),
          timeseries({ title: 'Pressure stall (avg10)', description: 'Share of the last 10 s some (or all: full) tasks stalled on cpu, memory or io, in the cgroup and on the host (PSI).', unit: unitFor(H.pressureAvg10, 'value'), min: 0, max: 1, queries: [{ expr: value(H.pressureAvg10, L_PSI), legend: legend(HOST, L.pressureSource, L.pressureResource, L.pressureScope) }] }),
          timeseries({
            title: 'OOM kills and memory-limit hits',
            description: 'Processes of the cgroup the OOM killer killed, and times the cgroup reached its memory limit, over the dashboard range.',
            unit: 'short',
            min: 0,
            queries: [
              { expr: sumBy(['instance'], increase(sel(H.containerMemoryOomKills.prom))), legend: 'OOM kills {{instance}}' },
              { expr: sumBy(['instance'], increase(sel(H.containerMemoryLimitHits.prom))), legend: 'limit hits {{instance}}' },
            ],
          }),
        ],
      ],
      [
        'Node.js process and event loop',
        [
          timeseries({ title: 'Process CPU', description: 'CPU used by the service process, as a share of all CPUs.', unit: unitFor(H.processCpuUtilization, 'value'), min: 0, queries: [{ expr: value(H.processCpuUtilization, ['instance']), legend: '{{instance}}' }] }),
          timeseries({
            title: 'Process memory',
            description: 'Resident set size, V8 heap used and total, and external memory.',
            unit: unitFor(H.processMemoryUsage, 'value'),
            queries: [
              { expr: value(H.processMemoryUsage, ['instance']), legend: 'rss {{instance}}' },
              { expr: value(H.heapUsed, ['instance']), legend: 'heap used {{instance}}' },
              { expr: value(H.heapTotal, ['instance']), legend: 'heap total {{instance}}' },
              { expr: value(H.external, ['instance']), legend: 'external {{instance}}' },
            ],
          }),
          timeseries({
            title: 'Event-loop delay',
            description: 'How late timers fire: p50, p99 and max over each sampling interval.',
            unit: unitFor(H.eventLoopDelayP99, 'value'),
            thresholds: threshold(limit('eventLoopDelay')),
            queries: [
              { expr: value(H.eventLoopDelayP50, ['instance']), legend: 'p50 {{instance}}' },
              { expr: value(H.eventLoopDelayP99, ['instance']), legend: 'p99 {{instance}}' },
              { expr: value(H.eventLoopDelayMax, ['instance']), legend: 'max {{instance}}' },
            ],
          }),
          timeseries({ title: 'Event-loop utilization', description: 'Share of time the event loop was busy.', unit: unitFor(H.eventLoopUtilization, 'value'), min: 0, max: 1, queries: [{ expr: value(H.eventLoopUtilization, ['instance']), legend: '{{instance}}' }] }),
          timeseries({ title: 'GC pause p99', description: '99th percentile of garbage-collection pauses by kind.', unit: unitFor(H.gcDuration, 'quantile'), queries: [{ expr: quantile(0.99, H.gcDuration.prom, [L.gcType]), legend: legend(L.gcType) }] }),
          timeseries({ title: 'Open file descriptors', description: 'File descriptors the process holds.', unit: unitFor(H.openFds, 'value'), queries: [{ expr: value(H.openFds, ['instance']), legend: '{{instance}}' }] }),
        ],
      ],
      [
        'GPUs',
        [
          // hw.gpu.task splits hw.gpu.utilization into general (a kernel ran), encoder and decoder: one line each.
          timeseries({ title: 'GPU utilization', description: 'Share of time a kernel ran (general), and the video encoder/decoder were busy, per GPU.', unit: unitFor(H.gpuUtilization, 'value'), queries: [{ expr: value(H.gpuUtilization, [...GPU, L.gpuTask]), legend: `${GPU_LEGEND} ${legend(L.gpuTask)}` }], span: 8 }),
          gpu('GPU memory utilization', 'Share of GPU memory in use, per GPU.', H.gpuMemoryUtilization),
          gpu('GPU memory', 'GPU memory in use and total, per GPU.', H.gpuMemoryUsage, [{ expr: value(H.gpuMemoryLimit, GPU), legend: `${GPU_LEGEND} total` }]),
          gpu('GPU temperature', 'Temperature per GPU.', H.gpuTemperature),
          gpu('GPU power', 'Power draw per GPU.', H.gpuPower),
          gpu('GPU SM clock', 'Streaming-multiprocessor clock per GPU.', H.gpuSmClock),
        ],
      ],
    ],
  });
}
