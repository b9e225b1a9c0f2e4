/** The Prometheus datasource, provisioned with this fixed uid (grafana/provisioning/datasources/prometheus.yml). */
export const DATASOURCE = { type: 'prometheus', uid: 'prometheus' } as const;

/** Where runbooks live (the SLA spec's runbookBaseUrl; docs/runbooks in this repository). */
export const RUNBOOKS_URL = 'https://github.com/perfkit/perfkit/blob/main/docs/runbooks';
