import { promtoolTestRules } from '../helpers/promtool';
import { loadDashboards, substitute, TEST_VARIABLES } from './dashboardQueries';

/**
 * The host dashboard's per-host panels summed over `instance`: with the instance variable on "All" (its default),
 * two hosts at 60 % and 70 % CPU user time drew one line "user" at 130 % (the panel is "Share of all CPUs"), two
 * GPUs 0 at 70 °C and 80 °C one "GPU 0" at 150 °C, two `/` filesystems at 80 % and 70 % one `/` at 150 % (red past the
 * 90 % disk limit), and the operations dashboard's "Guard utilization" added the slot shares of every process's own
 * guard. Those panels now keep `instance` (and show it in the legend): each host's figure, never more than 100 %.
 * Judged by promtool evaluating the committed panel queries, with the variables as Grafana fills them on "All", over
 * the series of two hosts written by hand; the expected values are those hosts' own numbers.
 */
const HOSTS = ['host-a:9464', 'host-b:9464'] as const;
const GPU = 'hw_gpu_index="0",hw_name="NVIDIA H200",hw_type="gpu"';

interface Case {
  readonly dashboard: string;
  readonly panel: string;
  /** The series of each host: `metric{labels}` without job/instance, and its promtool values per host. */
  readonly series: string;
  readonly values: readonly [string, string];
  /** The largest value any line of the panel may show: the busier host's own figure. */
  readonly max: number;
}

const CASES: readonly Case[] = [
  { dashboard: 'perfkit-host.json', panel: 'CPU utilization by mode', series: 'system_cpu_utilization_ratio{cpu_mode="user"}', values: ['0.6x10', '0.7x10'], max: 0.7 },
  { dashboard: 'perfkit-host.json', panel: 'Memory utilization', series: 'system_memory_utilization_ratio', values: ['0.5x10', '0.6x10'], max: 0.6 },
  {
    dashboard: 'perfkit-host.json',
    panel: 'Filesystem utilization',
    series: 'system_filesystem_utilization_ratio{system_device="/dev/sda1",system_filesystem_mountpoint="/",system_filesystem_type="ext4"}',
    values: ['0.8x10', '0.7x10'],
    max: 0.8,
  },
  // 30 and 48 busy seconds a minute: each disk busy 50 % and 80 % of the time.
  { dashboard: 'perfkit-host.json', panel: 'Disk busy time', series: 'system_disk_io_time_seconds_total{system_device="sda"}', values: ['0+30x10', '0+48x10'], max: 0.8 },
  {
    dashboard: 'perfkit-host.json',
    panel: 'Pressure stall (avg10)',
    series: 'perfkit_pressure_stall_avg10_ratio{perfkit_pressure_resource="cpu",perfkit_pressure_scope="some",perfkit_pressure_source="host"}',
    values: ['0.4x10', '0.7x10'],
    max: 0.7,
  },
  { dashboard: 'perfkit-host.json', panel: 'GPU utilization', series: `hw_gpu_utilization_ratio{${GPU},hw_gpu_task="general"}`, values: ['0.9x10', '0.5x10'], max: 0.9 },
  { dashboard: 'perfkit-host.json', panel: 'GPU memory utilization', series: `hw_gpu_memory_utilization_ratio{${GPU}}`, values: ['0.9x10', '0.6x10'], max: 0.9 },
  { dashboard: 'perfkit-host.json', panel: 'GPU temperature', series: `hw_temperature_celsius{${GPU}}`, values: ['70x10', '80x10'], max: 80 },
  { dashboard: 'perfkit-host.json', panel: 'GPU SM clock', series: `perfkit_gpu_clock_sm_hertz{${GPU}}`, values: ['1980000000x10', '1980000000x10'], max: 1.98e9 },
  { dashboard: 'perfkit-operations.json', panel: 'Guard utilization', series: 'perfkit_guard_utilization_ratio{guard="generate"}', values: ['0.75x10', '0.5x10'], max: 0.75 },
];

/** The first query of a panel and its legend, from the committed JSON. */
function firstTarget(dashboard: string, title: string): { expr: string; legend: string } {
  type P = { title: string; panels?: P[]; targets?: Array<{ expr: string; legendFormat?: string }> };
  const find = (panels: P[]): P | undefined => panels.map((p) => (p.title === title && p.targets ? p : find(p.panels ?? []))).find(Boolean);
  const panel = find(loadDashboards()[dashboard]!.panels as P[]);
  if (!panel) throw new Error(`${dashboard}: no panel "${title}"`);
  return { expr: panel.targets![0]!.expr, legend: panel.targets![0]!.legendFormat ?? '' };
}

/** The series one host exports: the metric with the scrape's job and instance. */
function hostSeries(series: string, instance: string): string {
  const scope = `job="model-service",instance="${instance}"`;
  return series.includes('{') ? series.replace('{', `{${scope},`) : `${series}{${scope}}`;
}

/** Runs promtool over `c`'s two hosts, asserting `max(expr)` and `count(expr)` at 10m. */
function promtool(c: Case, expr: string, count: number): { ok: boolean; output: string } {
  return promtoolTestRules([{
    interval: '1m',
    input_series: HOSTS.map((h, i) => ({ series: hostSeries(c.series, h), values: c.values[i]! })),
    promql_expr_test: [
      { expr: `max(${expr})`, eval_time: '10m', exp_samples: [{ labels: '{}', value: c.max }] },
      { expr: `count(${expr})`, eval_time: '10m', exp_samples: [{ labels: '{}', value: count }] },
    ],
  }]);
}

describe('host gauges summed across instances', () => {
  it.each(CASES.map((c) => [c.panel, c] as const))('%s shows each host on its own line, never the hosts added up', (_title, c) => {
    const { expr: raw, legend } = firstTarget(c.dashboard, c.panel);
    // The instance variable on "All"; a rate window that holds several of promtool's one-minute samples.
    const expr = substitute(raw, { ...TEST_VARIABLES, __rate_interval: '5m' });
    const run = promtool(c, expr, HOSTS.length);
    expect([c.panel, expr, run.output]).toEqual([c.panel, expr, expect.stringContaining('SUCCESS')]);
    expect(run.ok).toBe(true);
    expect(legend).toContain('{{instance}}');
  });
});
