import fc from 'fast-check';
import { createPerfkit, loadConfig, PerfkitConfigError, PerfkitError, type Perfkit, type PerfkitConfig } from '@perfkit/core';
import { hostileNumber, hostileValue, throwingGetters } from './helpers/hostile';

// Tier 1 of the error rules: configuration fails at once and loudly, with a coded PerfkitError, whatever it is given.

const valid = {
  serviceName: fc.constantFrom('svc', 'model-service'),
  prometheus: fc.constantFrom({ serve: false }, false as const, { port: 0 }),
  limits: fc.constant({ maxSeriesPerMetric: 100 }),
  logLevel: fc.constantFrom('none' as const, 'error' as const),
  operationTypes: fc.constant({ indexing: { buckets: [0.1, 1] } }),
  views: fc.constant([{ operationType: 'download', attributes: ['operation.type' as const] }]),
};
const anyOf = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 2, arbitrary: good }, { weight: 1, arbitrary: hostileValue });
const config: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.record(
    {
      serviceName: anyOf(valid.serviceName),
      prometheus: fc.oneof(valid.prometheus, hostileValue, fc.record({ port: hostileNumber, host: hostileValue, serve: fc.constant(false) }, { requiredKeys: [] })),
      limits: fc.oneof(valid.limits, hostileValue, fc.record({ maxSeriesPerMetric: hostileNumber, maxNameLength: hostileNumber })),
      logLevel: anyOf(valid.logLevel),
      operationTypes: fc.oneof(valid.operationTypes, hostileValue, fc.dictionary(fc.string(), fc.record({ buckets: fc.oneof(fc.array(hostileNumber), hostileValue) }))),
      views: fc.oneof(valid.views, hostileValue, fc.array(fc.record({ operationType: hostileValue, buckets: hostileValue }, { requiredKeys: [] }))),
      otlp: fc.oneof(fc.constant(undefined), hostileValue, fc.record({ url: fc.oneof(fc.constant('http://127.0.0.1:9/v1/metrics'), fc.string(), hostileValue), intervalMs: hostileNumber })),
      logger: fc.oneof(fc.constant(undefined), hostileValue),
      unknownKey: hostileValue,
    },
    { requiredKeys: [] },
  ) },
  { weight: 1, arbitrary: hostileValue },
);

const envVars = ['PERFKIT_PROMETHEUS_PORT', 'PERFKIT_PROMETHEUS_ENABLED', 'PERFKIT_OTLP_URL', 'PERFKIT_OTLP_INTERVAL_MS', 'PERFKIT_OTLP_HEADERS', 'PERFKIT_MAX_SERIES_PER_METRIC', 'PERFKIT_LOG_LEVEL', 'PERFKIT_SERVICE_NAME'];

const created: Perfkit[] = [];
const savedPort = process.env.PERFKIT_PROMETHEUS_PORT;
beforeAll(() => {
  // Any fuzzed configuration that ends up serving /metrics gets a port from the OS, never 9464.
  process.env.PERFKIT_PROMETHEUS_PORT = '0';
});
afterAll(async () => {
  if (savedPort === undefined) delete process.env.PERFKIT_PROMETHEUS_PORT;
  else process.env.PERFKIT_PROMETHEUS_PORT = savedPort;
  for (const perf of created) await perf.shutdown();
});

function setup() {
  const perf = createPerfkit({ serviceName: 'config-input', prometheus: { serve: false }, logLevel: 'none' });
  created.push(perf);
  return { perf };
}

describe('configuration under hostile input', () => {
  it('either creates an instance or throws a coded PerfkitError when createPerfkit gets random configurations', async () => {
    await fc.assert(
      fc.asyncProperty(config, async (cfg) => {
        let perf: Perfkit | undefined;
        try {
          perf = createPerfkit(cfg as PerfkitConfig);
        } catch (err) {
          expect(err).toBeInstanceOf(PerfkitError);
          expect((err as PerfkitError).code).toMatch(/^PERFKIT_ERR_/);
          // Readable however hostile: at most ten problems spelled out (plus a header and an "and N more" line),
          // none longer than a key, a value and an explanation cut to size.
          const lines = (err as Error).message.split('\n');
          expect(lines.length).toBeLessThanOrEqual(12);
          for (const l of lines) expect(l.length).toBeLessThan(500);
          return;
        }
        perf.operation('download', 'x').record(1);
        await perf.ready().catch(() => undefined);
        await perf.shutdown();
      }),
      { numRuns: 300 },
    );
  });

  it('names the environment variable in the error when a PERFKIT_* variable holds a bad value', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...envVars), fc.oneof(fc.string(), fc.constantFrom('-1', '1e9', 'NaN', 'yes', 'a=b,c', '%zz=1'))), (env) => {
        try {
          loadConfig({ prometheus: { serve: false } }, env);
        } catch (err) {
          expect(err).toBeInstanceOf(PerfkitConfigError);
          const e = err as PerfkitConfigError;
          const fromEnv = envVars.find((v) => e.message.includes(`(from ${v})`));
          if (fromEnv) expect(env[fromEnv]).toBeDefined();
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses at start-up a resource attribute copied as a label that would collide with a label perfkit writes', () => {
    for (const key of ['operation.type', 'operation_name', 'le', 'reason', 'otel.metric.overflow']) {
      expect(() =>
        createPerfkit({ resourceAttributes: { [key]: 'x' }, prometheus: { serve: false, resourceAttributesAsLabels: [key] }, logLevel: 'none' }),
      ).toThrow(expect.objectContaining({ code: 'PERFKIT_ERR_INVALID_CONFIG', key: 'prometheus.resourceAttributesAsLabels' }));
    }
  });

  it('accepts or refuses plug-ins with a PerfkitError and survives plug-ins whose start and shutdown throw or reject', async () => {
    const { perf } = setup();
    const plugins: unknown[] = [
      undefined,
      null,
      42,
      {},
      { name: 'no-start' },
      throwingGetters(),
      { name: 'throws', start: () => { throw new Error('start'); }, shutdown: () => { throw new Error('stop'); } },
      { name: 'rejects', start: () => Promise.reject(new Error('start')), shutdown: () => Promise.reject(new Error('stop')) },
      { name: 'throws-non-error', start: () => { throw undefined; } },
      { name: 'ok', start: () => undefined },
      { name: 'ok', start: () => undefined },
    ];
    for (const plugin of plugins) {
      try {
        perf.use(plugin as never);
      } catch (err) {
        expect(err).toBeInstanceOf(PerfkitError);
      }
    }
    expect(perf.plugin('throws')).toBeDefined();
    await new Promise((r) => setImmediate(r));
    await expect(perf.shutdown()).resolves.toBeUndefined();
  });

  it('serves text for any options object given to metrics(), getters that throw included', async () => {
    const { perf } = setup();
    for (const options of [undefined, null, 1, 'x', {}, { openMetrics: 'yes' }, throwingGetters()]) {
      await expect(perf.metrics(options as never)).resolves.toEqual(expect.any(String));
    }
  });
});

describe('guards under hostile input', () => {
  it('never throws synchronously from run() and settles every call when type, name, work and arguments are hostile', async () => {
    const { perf } = setup();
    const guard = perf.guard({ name: 'hostile', maxConcurrent: 2, maxQueue: 3, queueTimeoutMs: 200, timeoutMs: 300 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ type: fc.oneof(fc.constant('download'), hostileValue), name: fc.oneof(fc.constant('g'), hostileValue), work: fc.oneof(hostileValue, fc.constantFrom('ok', 'throw', 'reject', 'hang')) }), { maxLength: 12 }),
        async (calls) => {
          const settled = calls.map((c) => {
            const work =
              c.work === 'ok' ? () => 1
              : c.work === 'throw' ? () => { throw new Error('w'); }
              : c.work === 'reject' ? () => Promise.reject(new Error('w'))
              : c.work === 'hang' ? (signal: AbortSignal) => new Promise((resolve) => signal.addEventListener('abort', resolve))
              : c.work;
            let p: Promise<unknown>;
            expect(() => {
              p = guard.run(c.type as string, c.name as string, work as never);
            }).not.toThrow();
            return p!.then(() => 'resolved', () => 'rejected');
          });
          await Promise.all(settled);
        },
      ),
      { numRuns: 40 },
    );
    expect(guard.stats().inFlight).toBe(0);
    expect(() => perf.guard(throwingGetters() as never)).toThrow(PerfkitError);
  });
});
