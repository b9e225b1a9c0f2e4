import { PerfkitConfigError } from '@perfkit/core';
import { parseCli } from '../../examples/model-service/src/cli';
import { knobsFromEnv, updateKnobs } from '../../examples/model-service/src/knobs';
import { compatibilityScore, MODEL_CATALOG } from '../../examples/model-service/src/models/catalog';

describe('example command line', () => {
  const setup = (argv: string[], env: Record<string, string> = {}) => parseCli(argv, env);

  it('turns traffic off with --no-traffic and takes port 0', () => {
    expect(setup(['--no-traffic', '--port', '0'])).toMatchObject({ traffic: false, port: 0 });
  });

  it('reads PORT and PERFKIT_EXAMPLE_* when no flag is given, and lets a flag win over its variable', () => {
    expect(setup([], { PORT: '1234', PERFKIT_EXAMPLE_TRAFFIC_RATE: '7' })).toMatchObject({ port: 1234, trafficRate: 7 });
    expect(setup(['--port', '4321'], { PORT: '1234' })).toMatchObject({ port: 4321 });
    expect(setup([], { PERFKIT_EXAMPLE_TRAFFIC: 'false' })).toMatchObject({ traffic: false });
  });

  it('disables perfkit with --no-perfkit or PERFKIT_DISABLED=true', () => {
    expect(parseCli(['--no-perfkit'], {})).toMatchObject({ perfkit: false });
    expect(parseCli([], { PERFKIT_DISABLED: 'true' })).toMatchObject({ perfkit: false });
    expect(parseCli([], {})).toMatchObject({ perfkit: true });
  });

  it('returns help for --help', () => {
    expect(setup(['--help'])).toBe('help');
  });

  it.each([
    ['a NaN port', ['--port', 'NaN'], 'example.port'],
    ['a port above 65535', ['--port', '70000'], 'example.port'],
    ['an infinite rate', ['--traffic-rate', 'Infinity'], 'example.trafficRate'],
    ['a negative rate', ['--traffic-rate=-1'], 'example.trafficRate'],
    ['a 100 000-character service name', ['--service-name', 'x'.repeat(100_000)], 'example.serviceName'],
    ['a URL that is not one', ['--otlp-url', 'not a url'], 'example.otlpUrl'],
  ])('rejects %s naming the key', (_what, argv, key) => {
    expect(() => setup(argv)).toThrow(PerfkitConfigError);
    expect(() => setup(argv)).toThrow(key);
  });

  it('names the variable when a bad value comes from the environment', () => {
    expect(() => setup([], { PERFKIT_EXAMPLE_HEALTH_INTERVAL_MS: '1e99' })).toThrow(/PERFKIT_EXAMPLE_HEALTH_INTERVAL_MS/);
  });

  it('rejects an unknown flag', () => {
    expect(() => setup(['--prot', '1'])).toThrow(/--prot/);
  });
});

describe('example knobs', () => {
  it('start from defaults and take PERFKIT_EXAMPLE_* variables', () => {
    expect(knobsFromEnv({})).toEqual({ downloadFailureRate: 0.05, generateDelayMs: 0, healthCorruptionRate: 0.01, generateFailureRate: 0.001 });
    expect(knobsFromEnv({ PERFKIT_EXAMPLE_GENERATE_DELAY_MS: '250' }).generateDelayMs).toBe(250);
  });

  it('fail naming the knob and the variable for a bad value', () => {
    expect(() => knobsFromEnv({ PERFKIT_EXAMPLE_DOWNLOAD_FAILURE_RATE: '2' })).toThrow(/knobs\.downloadFailureRate = 2 \(from PERFKIT_EXAMPLE_DOWNLOAD_FAILURE_RATE\)/);
    expect(() => knobsFromEnv({ PERFKIT_EXAMPLE_GENERATE_DELAY_MS: 'slow' })).toThrow(/generateDelayMs/);
  });

  it('merge a partial update and leave the current knobs untouched on a bad one', () => {
    const current = knobsFromEnv({});
    expect(updateKnobs(current, { generateDelayMs: 5 })).toEqual({ ...current, generateDelayMs: 5 });
    for (const bad of [null, 'x', [1], { generateDelayMs: Number.NaN }, { downloadFailureRate: -0.1 }, { extra: 1 }]) {
      expect(() => updateKnobs(current, bad)).toThrow(PerfkitConfigError);
    }
    expect(current.generateDelayMs).toBe(0);
  });
});

describe('model compatibility score', () => {
  it('is 1 for the model itself, between 0 and 1 otherwise, and prefers the same family', () => {
    const [llama, llamaQ4, mistral] = MODEL_CATALOG;
    for (const a of MODEL_CATALOG) {
      for (const b of MODEL_CATALOG) {
        const score = compatibilityScore(a, b);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
      }
      expect(compatibilityScore(a, a)).toBe(1);
    }
    expect(compatibilityScore(llama!, llamaQ4!)).toBeGreaterThan(compatibilityScore(llama!, mistral!));
  });
});
