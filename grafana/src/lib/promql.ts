import { escapeLabelValue, LABEL } from '@perfkit/core';

/** Dashboard variable names, referenced as `$name` in queries. */
export const VAR = { service: 'service', instance: 'instance', operationType: 'operation_type' } as const;

/** The Prometheus labels the variables filter on: `job` is the service (the scrape job, or service.name through the Collector). */
export const SCOPE_LABEL = { service: 'job', instance: 'instance' } as const;

/**
 * A label matcher: `label="value"`, `label=~"regex"`, `label!="value"`, `label!~"regex"`. `eq` and `ne` take a
 * literal value (a spec's service name may hold `"` or `\\`) and escape it as a PromQL string; `re` takes a regex
 * written for PromQL as it is (a variable reference or an alternation of our own).
 */
export const eq = (label: string, value: string) => `${label}="${escapeLabelValue(value)}"`;
export const re = (label: string, value: string) => `${label}=~"${value}"`;
export const ne = (label: string, value: string) => `${label}!="${escapeLabelValue(value)}"`;

/** The matchers every perfkit query carries: the service and instance variables. */
export const SCOPE = [re(SCOPE_LABEL.service, `$${VAR.service}`), re(SCOPE_LABEL.instance, `$${VAR.instance}`)] as const;

/** Matcher for the operation-type variable. */
export const BY_TYPE = re(LABEL.operationType, `$${VAR.operationType}`);

/** `metric{job=~"$service",instance=~"$instance",...extra}`. */
export function sel(metric: string, extra: readonly string[] = []): string {
  return `${metric}{${[...SCOPE, ...extra].join(',')}}`;
}

/** The series a histogram family writes. */
export const bucket = (family: string) => `${family}_bucket`;
export const count = (family: string) => `${family}_count`;
export const sum = (family: string) => `${family}_sum`;

/** `rate(expr[$__rate_interval])`. */
export const rate = (selector: string, window = '$__rate_interval') => `rate(${selector}[${window}])`;
/** `increase(expr[$__range])`. */
export const increase = (selector: string, window = '$__range') => `increase(${selector}[${window}])`;

/** `sum by (labels) (expr)`, or `sum(expr)` without labels. */
export function sumBy(labels: readonly string[], expr: string): string {
  return labels.length ? `sum by (${labels.join(', ')}) (${expr})` : `sum(${expr})`;
}

/** `q`-quantile of a histogram family over the rate window, per `by`. */
export function quantile(q: number, family: string, by: readonly string[], extra: readonly string[] = []): string {
  return `histogram_quantile(${q}, ${sumBy(['le', ...by], rate(sel(bucket(family), extra)))})`;
}

/** Mean of a histogram family over the rate window, per `by`: rate(sum) / rate(count). */
export function mean(family: string, by: readonly string[], extra: readonly string[] = []): string {
  return `${sumBy(by, rate(sel(sum(family), extra)))}\n/\n${sumBy(by, rate(sel(count(family), extra)))}`;
}

/** Share of `part` in `whole`, 0 when `part` has no series (so the panel shows 0, not "No data"). */
export function ratio(part: string, whole: string, by: readonly string[] = []): string {
  const zero = by.length ? `(0 * ${whole})` : 'vector(0)';
  return `(${part} or ${zero})\n/\n${whole}`;
}
