import { resolveConfig } from '@perfkit/core';
import { DASHBOARD_ENV_OVERRIDES, dashboardConfigSchema, type DashboardConfig } from '@perfkit/dashboard';

/** The dashboard's rules for its key (16-512 characters) and Host names: the ones that guard POST /knobs too. */
const adminAccessSchema = dashboardConfigSchema.pick({ apiKey: true, allowedHosts: true });
const ADMIN_ACCESS_ENV = DASHBOARD_ENV_OVERRIDES.filter((o) => o.key === 'apiKey' || o.key === 'allowedHosts');

/** The key POST /knobs needs (none: open, loopback only) and the Host names allowed besides loopback and IP literals. */
export type AdminAccess = Pick<DashboardConfig, 'apiKey' | 'allowedHosts'>;

/**
 * PERFKIT_DASHBOARD_API_KEY and PERFKIT_DASHBOARD_ALLOWED_HOSTS, read as the dashboard reads them, for a service
 * running without the dashboard: a value the dashboard would refuse throws the dashboard's `PerfkitConfigError`
 * (`dashboard.apiKey`, its length only), an empty key is no key.
 */
export function adminAccessFromEnv(env: NodeJS.ProcessEnv = process.env): AdminAccess {
  return resolveConfig(adminAccessSchema, undefined, ADMIN_ACCESS_ENV, env, 'dashboard');
}
