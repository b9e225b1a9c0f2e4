import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from '../helpers';

// The package is ESM-typed but ships a CommonJS build under its "require" condition, which jest loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as typeof import('@prometheus-io/lezer-promql', { with: { 'resolution-mode': 'import' } });

/** One query of one panel, as found in the committed dashboard JSON. */
export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  readonly unit: string | undefined;
  readonly expr: string;
}

interface PanelJson {
  type: string;
  title: string;
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: Array<{ expr?: string }>;
  panels?: PanelJson[];
}

interface DashboardJson {
  uid: string;
  panels: PanelJson[];
  templating: { list: Array<{ name: string; type: string; query: unknown }> };
}

/** The committed dashboards, by file name. */
export function loadDashboards(dir = path.join(REPO_ROOT, 'grafana', 'dashboards')): Record<string, DashboardJson> {
  return Object.fromEntries(
    fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => [f, JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as DashboardJson]),
  );
}

/** Every panel query of every dashboard (rows' nested panels included). */
export function panelQueries(dashboards: Record<string, DashboardJson>): PanelQuery[] {
  const out: PanelQuery[] = [];
  const walk = (file: string, panels: PanelJson[]) => {
    for (const p of panels) {
      if (p.panels) walk(file, p.panels);
      for (const t of p.targets ?? []) {
        if (typeof t.expr === 'string') out.push({ dashboard: file, panel: p.title, unit: p.fieldConfig?.defaults?.unit, expr: t.expr });
      }
    }
  };
  for (const [file, d] of Object.entries(dashboards)) walk(file, d.panels);
  return out;
}

/** Every query variable: the `label_values(selector, label)` it runs. */
export function variableQueries(dashboards: Record<string, DashboardJson>): Array<{ dashboard: string; name: string; selector: string; label: string }> {
  return Object.entries(dashboards).flatMap(([file, d]) =>
    d.templating.list
      .filter((v) => v.type === 'query')
      .map((v) => {
        const text = typeof v.query === 'string' ? v.query : String((v.query as { query?: string }).query);
        const m = /^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/s.exec(text);
        if (!m) throw new Error(`${file} variable ${v.name}: not label_values(selector, label): ${text}`);
        return { dashboard: file, name: v.name, selector: m[1]!, label: m[2]! };
      }),
  );
}

/** What Grafana puts in place of the variables when the test queries Prometheus directly. */
export const TEST_VARIABLES: Readonly<Record<string, string>> = {
  __rate_interval: '20s',
  __interval: '2s',
  __range: '1m',
  service: '.+',
  instance: '.+',
  operation_type: '.+',
  slo: '.+',
};

/** Substitutes `$name` and `${name}` (and `[[name]]`) the way Grafana does before a query is sent. */
export function substitute(expr: string, values: Readonly<Record<string, string>> = TEST_VARIABLES): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, (whole, a?: string, b?: string, c?: string) => {
    const name = (a ?? b ?? c)!;
    if (!(name in values)) throw new Error(`unknown variable $${name} in ${expr}`);
    return values[name]!;
  });
}

/** Parse errors of a PromQL expression by the Prometheus project's own grammar (empty = it parses). */
export function promqlErrors(expr: string): string[] {
  const errors: string[] = [];
  const tree = parser.parse(expr);
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(`parse error at ${node.from}: …${expr.slice(Math.max(0, node.from - 20), node.to + 20)}…`);
    },
  });
  return errors;
}

/** Every `expr` of every rule in prometheus/rules/*.yml (recording and alerting). */
export function ruleExpressions(dir = path.join(REPO_ROOT, 'prometheus', 'rules')): Array<{ file: string; name: string; expr: string }> {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((file) => {
      const doc = parseYaml(fs.readFileSync(path.join(dir, file), 'utf8')) as { groups?: Array<{ rules: Array<{ record?: string; alert?: string; expr: string }> }> };
      return (doc.groups ?? []).flatMap((g) => g.rules.map((r) => ({ file, name: r.record ?? r.alert ?? '?', expr: String(r.expr) })));
    });
}
