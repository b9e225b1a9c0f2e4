import { QueryVariableBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import { LABEL, METRICS } from '@perfkit/core';
import { DATASOURCE } from './datasource';
import { SCOPE_LABEL, VAR, count, re } from './promql';

function variable(name: string, label: string, query: string, description: string): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .description(description)
    .datasource(DATASOURCE)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.+');
}

/** `$service`: the scrape job (service.name when it comes through the OpenTelemetry Collector). */
export const serviceVariable = (job?: string) => {
  const about = job === undefined ? '' : ` The SLA spec selects job="${job}".`;
  const v = variable(VAR.service, 'Service', `label_values(target_info, ${SCOPE_LABEL.service})`, `Services that report to this Prometheus (the job label).${about}`);
  // Preselect the job the SLA spec's selector names, so the dashboard opens on the service the SLOs are about.
  return job === undefined ? v : v.current({ text: job, value: job });
};

/** `$instance`: instances of the chosen services. */
export const instanceVariable = () =>
  variable(VAR.instance, 'Instance', `label_values(target_info{${re(SCOPE_LABEL.service, `$${VAR.service}`)}}, ${SCOPE_LABEL.instance})`, 'Instances (scrape targets) of the chosen services.');

/** `$operation_type`: operation types the chosen instances recorded. */
export const operationTypeVariable = () =>
  variable(
    VAR.operationType,
    'Operation type',
    `label_values(${count(METRICS.operationDuration.prom)}{${re(SCOPE_LABEL.service, `$${VAR.service}`)},${re(SCOPE_LABEL.instance, `$${VAR.instance}`)}}, ${LABEL.operationType})`,
    'Operation types (download, health_check, fallback, model_operation, analytics_collection, custom ones).',
  );
