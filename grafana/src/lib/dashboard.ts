import { DashboardBuilder, DashboardCursorSync, DashboardLinkBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { Dashboard, Panel, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';

/** Tag shared by every perfkit dashboard; the dashboards link to each other through it. */
export const PERFKIT_TAG = 'perfkit';

/** The rows of a dashboard: a title and its panels. */
export type Rows = ReadonlyArray<readonly [string, ReadonlyArray<cog.Builder<Panel>>]>;

/** Options shared by the perfkit dashboards. */
export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly variables: ReadonlyArray<cog.Builder<VariableModel>>;
  readonly rows: Rows;
  readonly runbooksUrl: string;
}

/** A dashboard with the perfkit conventions: tag, links to the sibling dashboards and runbooks, 30 s refresh, last hour. */
export function perfkitDashboard(spec: DashboardSpec): Dashboard {
  const b = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([PERFKIT_TAG])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .links([
      new DashboardLinkBuilder('perfkit dashboards').type('dashboards' as never).tags([PERFKIT_TAG]).asDropdown(true).includeVars(true).keepTime(true),
      new DashboardLinkBuilder('Runbooks').type('link' as never).url(spec.runbooksUrl).icon('doc').targetBlank(true),
    ]);
  for (const v of spec.variables) b.withVariable(v);
  for (const [title, panels] of spec.rows) {
    b.withRow(new RowBuilder(title));
    for (const p of panels) b.withPanel(p);
  }
  const built = b.build();
  // Explicit, unique ids (rows included): Grafana keys links, repeats and panel JSON edits by them.
  (built.panels ?? []).forEach((p, i) => {
    (p as { id?: number }).id = i + 1;
  });
  return built;
}
