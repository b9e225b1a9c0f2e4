import fs from 'node:fs';
import path from 'node:path';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { loadSlaSpec, type SlaSpec } from '@perfkit/sla';
import { hostDashboard } from './dashboards/host';
import { operationsDashboard } from './dashboards/operations';
import { overviewDashboard } from './dashboards/overview';
import { sloDashboard } from './dashboards/slo';
import { buildContext } from './lib/context';

/** The repository root (grafana/dist/.. or grafana/src/..). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Where the built dashboards are committed. */
export const DASHBOARDS_DIR = path.join(REPO_ROOT, 'grafana', 'dashboards');
/** The SLA spec the SLO panels and runbook links come from. */
export const DEFAULT_SPEC = path.join(REPO_ROOT, 'examples', 'sla.yaml');

/** Every dashboard, keyed by its file name under grafana/dashboards/. */
export function buildDashboards(specPath: string = DEFAULT_SPEC): Record<string, Dashboard> {
  return dashboardsFor(loadSlaSpec(specPath));
}

/** Every dashboard for a validated spec, keyed by file name: what `perfkit-sla generate` writes for the user's spec. */
export function dashboardsFor(spec: SlaSpec): Record<string, Dashboard> {
  const ctx = buildContext(spec);
  const dashboards = [overviewDashboard(ctx), operationsDashboard(ctx), hostDashboard(ctx), sloDashboard(ctx)];
  return Object.fromEntries(dashboards.map((d) => [`${d.uid}.json`, d]));
}

/** The exact text written for a dashboard (stable key order as built, two-space indent, final newline). */
export function dashboardText(dashboard: Dashboard): string {
  return JSON.stringify(dashboard, null, 2) + '\n';
}

/**
 * The dashboards of a spec as files relative to an output directory (`grafana/dashboards/<uid>.json`): the hook
 * `perfkit-sla generate` calls, so a user's spec gets dashboards that read only the rules generated with them.
 */
export function dashboardFiles(spec: SlaSpec): Record<string, string> {
  return Object.fromEntries(Object.entries(dashboardsFor(spec)).map(([file, d]) => [`grafana/dashboards/${file}`, dashboardText(d)]));
}

/** Files under `dir` whose content differs from what would be built now (missing, stale or extra). */
export function staleDashboards(dir: string = DASHBOARDS_DIR, specPath?: string): string[] {
  const built = buildDashboards(specPath);
  const stale = Object.entries(built)
    .filter(([file, d]) => !fs.existsSync(path.join(dir, file)) || fs.readFileSync(path.join(dir, file), 'utf8') !== dashboardText(d))
    .map(([file]) => file);
  const extra = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json') && !(f in built)) : [];
  return [...stale, ...extra];
}

/** Writes every dashboard to `dir`; returns the paths written. */
export function writeDashboards(dir: string = DASHBOARDS_DIR, specPath?: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return Object.entries(buildDashboards(specPath)).map(([file, d]) => {
    const full = path.join(dir, file);
    fs.writeFileSync(full, dashboardText(d));
    return full;
  });
}
