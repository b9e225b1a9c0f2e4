/** The variables the OTLP exporter reads headers from on its own, and merges under the headers it is given. */
const HEADER_VARIABLES = ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_METRICS_HEADERS'] as const;

/**
 * Runs `make` (the OTLP exporter's constructor) with the header variables out of `process.env`, then puts them back.
 * The exporter merges every header of those variables under the ones it is given, whatever the code said: a token set
 * for the app's own collector went to the collector perfkit's code named. perfkit's `otlp.headers` has already read them
 * by its precedence (code > `PERFKIT_OTLP_HEADERS` > `OTEL_*`), so it is all the exporter may send. The exporter reads
 * them in its constructor only, and nothing else runs between the removal and the restore (one synchronous call).
 */
export function withoutEnvHeaders<T>(make: () => T): T {
  const saved = HEADER_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const [name, value] of saved) if (value !== undefined) delete process.env[name];
  try {
    return make();
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
}
