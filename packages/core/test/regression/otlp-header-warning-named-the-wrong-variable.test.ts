/**
 * Regression: with both `OTEL_EXPORTER_OTLP_HEADERS` and `OTEL_EXPORTER_OTLP_METRICS_HEADERS` set, a bad header (or a
 * malformed `%` escape) in the general one was reported as coming from `OTEL_EXPORTER_OTLP_METRICS_HEADERS`, quoting
 * both variables' text joined by a comma, and then reported a second time under its own name; the metrics variable's
 * good headers were dropped with it. The two were read as one text. The OpenTelemetry specification ignores an invalid
 * variable on its own (configuration/sdk-environment-variables.md), so each is now read, checked and ignored alone:
 * one warning per bad variable, naming it and quoting its own text, and the other one's headers still sent. Expected
 * texts are the variables' values as the test wrote them.
 */
import { createPerfkit, loadConfig, type ConfigProblem } from '@perfkit/core';

const ENDPOINT = 'http://127.0.0.1:9';
const VARIABLES = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_METRICS_HEADERS', 'OTEL_EXPORTER_OTLP_TIMEOUT'] as const;

function setup(env: { OTEL_EXPORTER_OTLP_HEADERS: string; OTEL_EXPORTER_OTLP_METRICS_HEADERS: string }) {
  const ignored: ConfigProblem[] = [];
  const config = loadConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, ...env }, { ignored });
  return { headers: config.otlp?.headers, reported: ignored.map((p) => [p.source, p.value]) };
}

/** The warnings `createPerfkit` logs with `env` in `process.env`. */
async function warningsWith(env: Partial<Record<(typeof VARIABLES)[number], string>>): Promise<string[]> {
  const saved = VARIABLES.map((name) => [name, process.env[name]] as const);
  Object.assign(process.env, env);
  const warnings: string[] = [];
  try {
    const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'warn', logger: { warn: (m: string) => warnings.push(m) } });
    await perf.shutdown();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  return warnings.filter((w) => w.includes('ignoring an OpenTelemetry variable'));
}

describe('regression: a bad OTEL_EXPORTER_OTLP_HEADERS reported as OTEL_EXPORTER_OTLP_METRICS_HEADERS', () => {
  it('names the general variable, once, for a malformed % escape in it, and keeps the metrics headers', () => {
    const { headers, reported } = setup({ OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=%zz', OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'c=3' });
    expect(reported).toEqual([['OTEL_EXPORTER_OTLP_HEADERS', 'a=1,b=%zz']]);
    expect(headers).toEqual({ c: '3' });
  });

  it('names the general variable, once, for a header Node refuses in it', () => {
    const { headers, reported } = setup({ OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=x%0Ay', OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'c=3' });
    expect(reported.map(([source]) => source)).toEqual(['OTEL_EXPORTER_OTLP_HEADERS']);
    expect(reported[0]![1]).toEqual({ a: '1', b: 'x\ny' });
    expect(headers).toEqual({ c: '3' });
  });

  it('names the metrics variable with its own text only when it is the bad one, the general headers still used', () => {
    const { headers, reported } = setup({ OTEL_EXPORTER_OTLP_HEADERS: 'a=1', OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'c=%zz' });
    expect(reported).toEqual([['OTEL_EXPORTER_OTLP_METRICS_HEADERS', 'c=%zz']]);
    expect(headers).toEqual({ a: '1' });
  });

  it('names each variable once with its own text when both are bad', () => {
    const { headers, reported } = setup({ OTEL_EXPORTER_OTLP_HEADERS: 'a=%zz', OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'c=%yy' });
    expect(reported).toEqual([
      ['OTEL_EXPORTER_OTLP_METRICS_HEADERS', 'c=%yy'],
      ['OTEL_EXPORTER_OTLP_HEADERS', 'a=%zz'],
    ]);
    expect(headers).toEqual({});
  });

  it('still combines two good variables, the metrics one winning per header', () => {
    expect(setup({ OTEL_EXPORTER_OTLP_HEADERS: 'a=1,x=general', OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'x=metrics' })).toEqual({ headers: { a: '1', x: 'metrics' }, reported: [] });
  });

  it('logs one warning, naming the general variable, at start-up', async () => {
    const warnings = await warningsWith({ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_EXPORTER_OTLP_TIMEOUT: '200', OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=%zz', OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'c=3' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('(from OTEL_EXPORTER_OTLP_HEADERS)');
    expect(warnings[0]).not.toContain('OTEL_EXPORTER_OTLP_METRICS_HEADERS');
  });
});
