/**
 * Regression: `service.version` and `service.instance.id` inside `OTEL_RESOURCE_ATTRIBUTES` beat `serviceVersion` given
 * in code and `PERFKIT_SERVICE_INSTANCE_ID` (the map was spread onto the resource after them), against the documented
 * precedence "code > PERFKIT_* > OTEL_*": a fleet-wide OTEL_RESOURCE_ATTRIBUTES renamed every instance in target_info
 * and in OTLP. The expected values are the ones the test sets in code and in PERFKIT_* (the OTEL_* ones must lose).
 */
import { createPerfkit, type Perfkit, type PerfkitConfig } from '@perfkit/core';

const VARIABLES = ['OTEL_RESOURCE_ATTRIBUTES', 'PERFKIT_SERVICE_INSTANCE_ID', 'OTEL_SERVICE_NAME', 'PERFKIT_SERVICE_NAME'] as const;

async function setup(env: Partial<Record<(typeof VARIABLES)[number], string>>, config: PerfkitConfig = {}): Promise<{ perf: Perfkit; targetInfo: string }> {
  const saved = VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const name of VARIABLES) delete process.env[name];
  Object.assign(process.env, env);
  let perf: Perfkit;
  try {
    perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', ...config });
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  const text = await perf.metrics();
  await perf.shutdown();
  return { perf, targetInfo: text.split('\n').find((line) => line.startsWith('target_info{'))! };
}

const OTEL = 'service.version=1.0.0-otel,service.instance.id=instance-otel,deployment.environment=prod';

describe('regression: OTEL_RESOURCE_ATTRIBUTES beat serviceVersion and serviceInstanceId from code and PERFKIT_*', () => {
  it('keeps serviceVersion and serviceInstanceId given in code', async () => {
    const { perf, targetInfo } = await setup({ OTEL_RESOURCE_ATTRIBUTES: OTEL }, { serviceVersion: '2.0.0', serviceInstanceId: 'instance-code' });
    expect(perf.resource.attributes['service.version']).toBe('2.0.0');
    expect(perf.resource.attributes['service.instance.id']).toBe('instance-code');
    expect(targetInfo).toContain('service_version="2.0.0"');
    expect(targetInfo).toContain('service_instance_id="instance-code"');
    expect(targetInfo).not.toContain('otel');
    expect(targetInfo).toContain('deployment_environment="prod"'); // the map's other attributes still apply
  });

  it('keeps PERFKIT_SERVICE_INSTANCE_ID over the instance id in OTEL_RESOURCE_ATTRIBUTES', async () => {
    const { perf } = await setup({ OTEL_RESOURCE_ATTRIBUTES: OTEL, PERFKIT_SERVICE_INSTANCE_ID: 'instance-perfkit' });
    expect(perf.resource.attributes['service.instance.id']).toBe('instance-perfkit');
    expect(perf.resource.attributes['service.version']).toBe('1.0.0-otel'); // nothing else set it
  });

  it('still takes both from OTEL_RESOURCE_ATTRIBUTES when nothing else sets them, and code attributes over everything', async () => {
    const { perf } = await setup({ OTEL_RESOURCE_ATTRIBUTES: OTEL });
    expect(perf.resource.attributes['service.instance.id']).toBe('instance-otel');
    const coded = await setup({ OTEL_RESOURCE_ATTRIBUTES: OTEL }, { resourceAttributes: { 'service.version': 'attr-code' } });
    expect(coded.perf.resource.attributes['service.version']).toBe('attr-code');
  });
});
