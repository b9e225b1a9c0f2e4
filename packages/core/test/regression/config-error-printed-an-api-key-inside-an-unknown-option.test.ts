import { createPerfkit, loadConfig, PerfkitConfigError, resolveConfig } from '@perfkit/core';
import { z } from 'zod';
import { configErrorOf, printed } from '../configErrorOf';

/**
 * A configuration error names the value of every bad key. Core redacted header values and URL user info only, so
 * `createPerfkit({ dashboard: { apiKey } })` (the dashboard's options given to core by mistake: an unknown option whose
 * value is an object) printed `dashboard = {"apiKey":"prod-secret-..."}: unknown option`, in the message, `err.value`
 * and `err.problems`; and any schema with an `apiKey` of its own (`resolveConfig` is shared by every package) printed
 * the key it refused. A key whose last part is named like a secret (`...key`, `...token`, `...secret`,
 * `...password`, `...authorization`, `...credentials`) now has its value redacted, at the top and inside printed
 * objects: `[redacted, N characters]` for a string, `[redacted]` for anything else.
 */
const SECRET = 'prod-secret-0123456789abcdef'; // 28 characters

/**
 * Every option name of perfkit's packages (core, guards, host, sla, dashboard) as their zod schemas held them when this
 * test was written, less the dashboard's `apiKey` (a secret) and `headers` (a header map, redacted on purpose).
 */
const OPTION_NAMES = (
  'absentFor alerting alertmanager allowedHosts annotations attributes badOutcomes benchmarksPath buckets ' +
  'budgetInterval budgetShare cacheTtlMs cgroupPath container cpu cpuUtilization defaults description devices ' +
  'disabled disk diskFree diskUtilization enabled errorQuery eventLoop eventLoopDelay eventLoopDelaySeconds ' +
  'eventLoopResolutionMs exclude exemplars filesystem filesystemTypes for forecastHorizonSeconds gc goodQuery ' +
  'gpu gpuIntervalMs gpuMemory gpuMemoryUtilization gpuUtilization groupInterval groupWait groups guards host ' +
  'id include interfaces intervalMs ioIntervalMs labels latency latencyQuantile latencySeconds limits logLevel ' +
  'logger long max maxConcurrent maxConcurrentHeavy maxErrorTypes maxFailureRate maxGpuProcesses maxNameLength ' +
  'maxOperationTypes maxQueue maxRestartDelayMs maxSeriesPerMetric memory memoryBudgetBytes memoryBudgetMb ' +
  'memorySampleIntervalMs memoryUtilization min minEvents minOperations minWindow mounts name network ' +
  'nvidiaSmiPath nvmlLibrary nvmlTimeoutMs objectives operation operationName operationNames operationType ' +
  'operationTypes operations otlp page pageWebhookUrl path port procPath process prometheus promql ' +
  'queueTimeoutMs queueWait repeatInterval resolveTimeout resourceAttributes resourceAttributesAsLabels ' +
  'resources restartDelayMs retentionMs runbookBaseUrl sampleIntervalMs selector serve service ' +
  'serviceInstanceId serviceName serviceVersion severities severity short shutdownTimeoutMs snapshotIntervalMs ' +
  'success sysPath target temporality threshold thresholds ticket ticketWebhookUrl timeoutMs totalQuery type ' +
  'url utilization validateResponses views webhookUrl window windows'
).split(' ');

describe('config-error-printed-an-api-key-inside-an-unknown-option', () => {
  it('redacts an API key inside an unknown option given to createPerfkit', () => {
    const err = configErrorOf(() => createPerfkit({ logLevel: 'none', dashboard: { apiKey: SECRET } } as never));
    expect(err.code).toBe('PERFKIT_ERR_INVALID_CONFIG');
    expect(printed(err)).not.toContain(SECRET);
    expect(err.message).toBe('Invalid perfkit configuration: dashboard = {"apiKey":"[redacted, 28 characters]"}: unknown option');
    expect(err.value).toEqual({ apiKey: '[redacted, 28 characters]' });
  });

  it('redacts a schema’s own secret-named key when resolveConfig refuses it, from code or a variable', () => {
    const schema = z.object({ apiKey: z.string().min(16), name: z.string() }).strict();
    const err = configErrorOf(() => resolveConfig(schema, { apiKey: 'short-secret', name: 7 }, [], {}, 'plugin'));
    expect(printed(err)).not.toContain('short-secret');
    expect(err.problems.map((p) => [p.key, p.value])).toEqual([
      ['plugin.apiKey', '[redacted, 12 characters]'],
      ['plugin.name', 7],
    ]);
    expect(err.message).toContain('plugin.apiKey = "[redacted, 12 characters]": Too small');
    const fromEnv = configErrorOf(() => resolveConfig(schema, { name: 'n' }, [{ env: 'PLUGIN_API_KEY', key: 'apiKey', parse: 'string' }], { PLUGIN_API_KEY: 'env-secret' }));
    expect(printed(fromEnv)).not.toContain('env-secret');
    expect(fromEnv.message).toContain('apiKey = "[redacted, 10 characters]" (from PLUGIN_API_KEY)');
  });

  it.each(['apikey', 'api_key', 'X-API-KEY', 'accessToken', 'client_secret', 'DB-PASSWORD', 'Authorization', 'awsCredentials', 'privateKey', 'apiKeys'])(
    'redacts a value under %s, at the top and nested',
    (name) => {
      const top = configErrorOf(() => loadConfig({ [name]: SECRET } as never, {}));
      expect(printed(top)).not.toContain(SECRET);
      expect(top.problems[0]).toMatchObject({ key: name, value: '[redacted, 28 characters]' });
      const nested = configErrorOf(() => loadConfig({ plugin: { [name]: SECRET } } as never, {}));
      expect(printed(nested)).not.toContain(SECRET);
      expect(nested.message).toContain(`plugin = {"${name}":"[redacted, 28 characters]"}: unknown option`);
    },
  );

  it('shows values whose key only contains a secret word: a file path, a bucket size', () => {
    const err = configErrorOf(() => loadConfig({ plugin: { apiKeyFile: '/run/secrets/api-key', tokenBucketSize: 50, keyPrefix: 'perf' } } as never, {}));
    expect(err.message).toContain('plugin = {"apiKeyFile":"/run/secrets/api-key","tokenBucketSize":50,"keyPrefix":"perf"}: unknown option');
  });

  it('takes none of perfkit’s own option names for a secret', () => {
    const options = Object.fromEntries(OPTION_NAMES.map((name) => [name, 'shown']));
    expect(configErrorOf(() => loadConfig({ plugin: options } as never, {})).value).toEqual(options);
  });

  it('says only "[redacted]" for a secret that is not a string, and never its digits or contents', () => {
    const err = configErrorOf(() => loadConfig({ plugin: { apiKey: 1234567890, token: { value: SECRET }, password: [SECRET], secret: null } } as never, {}));
    expect(printed(err)).not.toContain(SECRET);
    expect(printed(err)).not.toContain('1234567890');
    expect(err.value).toEqual({ apiKey: '[redacted]', token: '[redacted]', password: '[redacted]', secret: '[redacted]' });
    expect(err.message).toContain('plugin = {"apiKey":"[redacted]","token":"[redacted]","password":"[redacted]","secret":...: unknown option');
  });

  it('redacts inside nested arrays of objects, and header maps and URL passwords in them', () => {
    const value = { exporters: [{ name: 'a', auth: [{ token: SECRET }, { user: 'u' }] }], headers: { 'x-tenant': SECRET, 'x-api-key': SECRET }, url: `http://u:${SECRET}@h/` };
    const err = configErrorOf(() => loadConfig({ plugin: value } as never, {}));
    expect(printed(err)).not.toContain(SECRET);
    expect(err.value).toEqual({
      exporters: [{ name: 'a', auth: [{ token: '[redacted, 28 characters]' }, { user: 'u' }] }],
      headers: { 'x-tenant': '[REDACTED]', 'x-api-key': '[REDACTED]' },
      url: 'http://[REDACTED]@h/',
    });
    const headers = configErrorOf(() => loadConfig({ plugin: { headers: { 'x-tenant': 't', 'x-api-key': SECRET } } } as never, {}));
    expect(headers.message).toContain('plugin = {"headers":{"x-tenant":"[REDACTED]","x-api-key":"[REDACTED]"}}: unknown option');
    expect(value.exporters[0]!.auth[0]!.token).toBe(SECRET); // the caller's object is left as it was
  });

  it('neither throws nor leaks on a circular value', () => {
    const looped: Record<string, unknown> = { apiKey: SECRET, list: [] };
    looped.self = looped;
    (looped.list as unknown[]).push(looped);
    const err = configErrorOf(() => loadConfig({ plugin: looped } as never, {}));
    expect(() => printed(err)).not.toThrow();
    expect(printed(err)).not.toContain(SECRET);
    expect(err.message).toContain('plugin = {"apiKey":"[redacted, 28 characters]","list":[{"apiKey":"[redacted, 28 charac...');
    expect((err.value as Record<string, unknown>).self).toBe('[Circular]');
    const plain: Record<string, unknown> = { a: 1 };
    plain.self = plain;
    expect(configErrorOf(() => loadConfig({ plugin: plain } as never, {})).message).toContain('plugin = {"a":1,"self":"[Circular]"}: unknown option');
  });

  it('gives the length of a very long secret, and keeps the message short', () => {
    const long = 'k'.repeat(1_000_000);
    const err = configErrorOf(() => loadConfig({ plugin: { apiKey: long, note: 'n'.repeat(10_000) } } as never, {}));
    expect(err.message).toContain('plugin = {"apiKey":"[redacted, 1000000 characters]","note":"nnnnnnn');
    expect(err.message.length).toBeLessThan(300);
    expect(printed(err)).not.toContain('kkkkkkkkkk');
  });

  it('keeps the lengths when an error is built again from another’s problems', () => {
    const first = configErrorOf(() => loadConfig({ apiKey: SECRET, prometheus: { port: -1 } } as never, {}));
    const again = new PerfkitConfigError(first.key, first.value, first.problems[0]!.allowed, undefined, first.problems);
    expect(again.problems.map((p) => p.value)).toEqual(first.problems.map((p) => p.value));
    expect(again.message).toBe(first.message);
    expect(first.problems.find((p) => p.key === 'apiKey')!.value).toBe('[redacted, 28 characters]');
  });
});
