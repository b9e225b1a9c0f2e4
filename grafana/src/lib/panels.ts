import { DashboardLinkBuilder, ThresholdsConfigBuilder, ThresholdsMode, type Threshold } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as BarGaugeBuilder } from '@grafana/grafana-foundation-sdk/bargauge';
import { GraphThresholdsStyleConfigBuilder, GraphThresholdsStyleMode, LegendDisplayMode, LegendPlacement, ReduceDataOptionsBuilder, SortOrder, TooltipDisplayMode, VizLegendOptionsBuilder, VizTooltipOptionsBuilder, BigValueGraphMode, BarGaugeDisplayMode, VizOrientation } from '@grafana/grafana-foundation-sdk/common';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCE } from './datasource';

/** One query of a panel: PromQL and the legend for its series. */
export interface Query {
  readonly expr: string;
  readonly legend?: string;
}

/** What every panel helper takes. */
export interface PanelSpec {
  readonly title: string;
  /** What the panel shows and how to read it (shown as the panel's info tooltip). */
  readonly description: string;
  readonly unit: string;
  readonly queries: readonly Query[];
  /** Grid width out of 24 (default 12) and height (default 8). */
  readonly span?: number;
  readonly height?: number;
  /** Runbook or doc links shown on the panel. */
  readonly links?: ReadonlyArray<{ title: string; url: string }>;
  /** Threshold steps (value -> colour), first one is the base. */
  readonly thresholds?: ReadonlyArray<{ value: number | null; color: string }>;
  readonly min?: number;
  readonly max?: number;
  /** Text shown when the query returns nothing (panels allowed to be empty say why). */
  readonly noValue?: string;
  /** Threshold steps for one series (by its display name), e.g. each objective's own target. */
  readonly overrides?: ReadonlyArray<{ name: string; thresholds: ReadonlyArray<{ value: number | null; color: string }> }>;
  /** Time series only: draw the thresholds as lines (burn-rate factors). */
  readonly thresholdLines?: boolean;
}

function targets(queries: readonly Query[], instant: boolean): DataqueryBuilder[] {
  return queries.map((q, i) => {
    const b = new DataqueryBuilder().datasource(DATASOURCE).expr(q.expr).refId(String.fromCharCode(65 + i)).legendFormat(q.legend ?? '__auto');
    return instant ? b.instant().format('table' as never) : b.range();
  });
}

function links(spec: PanelSpec) {
  return (spec.links ?? []).map((l) => new DashboardLinkBuilder(l.title).url(l.url).targetBlank(true));
}

function thresholds(spec: PanelSpec): ThresholdsConfigBuilder {
  const steps: Threshold[] = (spec.thresholds ?? [{ value: null, color: 'green' }]).map((s) => ({ value: s.value as number, color: s.color }));
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps);
}

/** The builder methods every panel kind here shares (each returns the builder). */
interface CommonPanel<B> {
  title(title: string): B;
  description(description: string): B;
  datasource(datasource: typeof DATASOURCE): B;
  unit(unit: string): B;
  span(span: number): B;
  height(height: number): B;
  thresholds(thresholds: ThresholdsConfigBuilder): B;
  links(links: DashboardLinkBuilder[]): B;
  min(min: number): B;
  max(max: number): B;
  noValue(noValue: string): B;
  withTarget(target: DataqueryBuilder): B;
  overrideByName(name: string, properties: Array<{ id: string; value: unknown }>): B;
}

/** Sets what every panel has (title, unit, size, thresholds, links, range, queries); `kind` adds the rest. */
function panel<B extends CommonPanel<B>>(builder: B, spec: PanelSpec, size: { span: number; height: number }, kind: (b: B) => B): B {
  const b = kind(
    builder
      .title(spec.title)
      .description(spec.description)
      .datasource(DATASOURCE)
      .unit(spec.unit)
      .span(spec.span ?? size.span)
      .height(spec.height ?? size.height),
  )
    .thresholds(thresholds(spec))
    .links(links(spec));
  if (spec.min !== undefined) b.min(spec.min);
  if (spec.max !== undefined) b.max(spec.max);
  if (spec.noValue) b.noValue(spec.noValue);
  for (const t of targets(spec.queries, false)) b.withTarget(t);
  for (const o of spec.overrides ?? []) {
    b.overrideByName(o.name, [{ id: 'thresholds', value: { mode: 'absolute', steps: o.thresholds.map((t) => ({ value: t.value, color: t.color })) } }]);
  }
  return b;
}

/** A time series panel with a table legend (mean, max, last) below it. */
export function timeseries(spec: PanelSpec): TimeseriesBuilder {
  return panel(new TimeseriesBuilder(), spec, { span: 12, height: 8 }, (b) =>
    b
      .fillOpacity(10)
      .lineWidth(1)
      .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending))
      .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.Table).placement(LegendPlacement.Bottom).calcs(['mean', 'max', 'lastNotNull']))
      .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(spec.thresholdLines ? GraphThresholdsStyleMode.Dashed : GraphThresholdsStyleMode.Off)),
  );
}

/** A single-value stat panel (last value, with a sparkline). */
export function stat(spec: PanelSpec): StatBuilder {
  return panel(new StatBuilder(), spec, { span: 4, height: 4 }, (b) =>
    b.graphMode(BigValueGraphMode.Area).reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false)),
  );
}

/** A horizontal bar gauge of the current value per series (top-N lists). */
export function barGauge(spec: PanelSpec): BarGaugeBuilder {
  return panel(new BarGaugeBuilder(), spec, { span: 12, height: 8 }, (b) =>
    b
      .orientation(VizOrientation.Horizontal)
      .displayMode(BarGaugeDisplayMode.Gradient)
      .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false)),
  );
}
