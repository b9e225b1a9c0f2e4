/** Every error code `@perfkit/dashboard` throws at configuration or start-up time, with its message template. */
export const DASHBOARD_ERRORS = {
  PERFKIT_ERR_DASHBOARD_LISTEN: 'perfkit dashboard could not listen on {host}:{port}: {detail}',
  PERFKIT_ERR_DASHBOARD_PORT_IN_USE:
    'perfkit dashboard could not listen on {host}:{port}: the port is in use. Set port or PERFKIT_DASHBOARD_PORT to a free port, or 0 for any.',
  PERFKIT_ERR_DASHBOARD_API_KEY_REQUIRED:
    'perfkit dashboard bound to {host} (not loopback) needs an API key: set apiKey or PERFKIT_DASHBOARD_API_KEY (at least 16 characters).',
} as const;

/** A code from {@link DASHBOARD_ERRORS}. */
export type DashboardErrorCode = keyof typeof DASHBOARD_ERRORS;

/** The error the dashboard throws for start-up mistakes; match on `code`. */
export class DashboardError extends Error {
  /** The stable error code, one of {@link DASHBOARD_ERRORS}. */
  readonly code: DashboardErrorCode;

  constructor(code: DashboardErrorCode, params: Record<string, string | number>, options?: { cause?: unknown }) {
    super(DASHBOARD_ERRORS[code].replace(/\{(\w+)\}/g, (_, key: string) => String(params[key] ?? `{${key}}`)), options);
    this.name = 'DashboardError';
    this.code = code;
  }
}
