/**
 * Regression: `OTEL_SDK_DISABLED=yes` (or `1`, `on`) was read as false without a warning, so an operator who meant to
 * turn the SDK off saw perfkit measure and serve with no hint why. The OpenTelemetry specification
 * (configuration/common.md, boolean values): only "true", in any case, is true; any value other than "true", "false",
 * empty or unset SHOULD be logged as a warning and read as false. Same warning as the other `OTEL_*` values perfkit
 * cannot use: one line naming the variable and its value.
 */
import { createPerfkit, loadConfig, type ConfigProblem } from '@perfkit/core';

function load(env: Record<string, string>) {
  const ignored: ConfigProblem[] = [];
  const config = loadConfig({}, env, { ignored });
  return { disabled: config.disabled, ignored: ignored.map((p) => [p.source, p.value]) };
}

describe('regression: an unrecognised OTEL_SDK_DISABLED value gave no warning', () => {
  it('reads yes, 1 and on as false, each with a problem naming the variable and the value', () => {
    for (const value of ['yes', '1', 'on']) {
      expect(load({ OTEL_SDK_DISABLED: value })).toEqual({ disabled: false, ignored: [['OTEL_SDK_DISABLED', value]] });
    }
  });

  it('reads true and false in any case, and empty, without a warning', () => {
    expect(load({ OTEL_SDK_DISABLED: 'TRUE' })).toEqual({ disabled: true, ignored: [] });
    expect(load({ OTEL_SDK_DISABLED: ' False ' })).toEqual({ disabled: false, ignored: [] });
    expect(load({ OTEL_SDK_DISABLED: '' })).toEqual({ disabled: false, ignored: [] });
  });

  it('says nothing when PERFKIT_DISABLED or code decided', () => {
    expect(load({ PERFKIT_DISABLED: 'false', OTEL_SDK_DISABLED: 'yes' })).toEqual({ disabled: false, ignored: [] });
    const ignored: ConfigProblem[] = [];
    expect(loadConfig({ disabled: false }, { OTEL_SDK_DISABLED: 'yes' }, { ignored }).disabled).toBe(false);
    expect(ignored).toEqual([]);
  });

  it('warns once at start-up, and perfkit runs enabled', async () => {
    const saved = process.env.OTEL_SDK_DISABLED;
    process.env.OTEL_SDK_DISABLED = 'yes';
    const warnings: string[] = [];
    try {
      const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'warn', logger: { warn: (m: string) => warnings.push(m) } });
      perf.operation('download', 'a').record(1);
      expect(await perf.metrics()).toContain('perfkit_operation_duration_seconds_count{operation_type="download",operation_name="a",operation_outcome="success"} 1');
      await perf.shutdown();
    } finally {
      if (saved === undefined) delete process.env.OTEL_SDK_DISABLED;
      else process.env.OTEL_SDK_DISABLED = saved;
    }
    expect(warnings.filter((w) => w.includes('OTEL_SDK_DISABLED'))).toEqual([expect.stringContaining('disabled = "yes" (from OTEL_SDK_DISABLED)')]);
  });
});
