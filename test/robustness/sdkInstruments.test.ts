import fc from 'fast-check';
import { createPerfkit, type Perfkit } from '@perfkit/core';
import { parseExposition } from './helpers/expositionParser';
import { nastyString } from './helpers/hostile';

// Plug-in instruments go through the OpenTelemetry meter and core's own serializer: whatever names, units and
// attributes a plug-in uses, /metrics must stay a valid exposition.

const created: Perfkit[] = [];
afterAll(async () => {
  for (const perf of created) await perf.shutdown();
});

function setup() {
  const perf = createPerfkit({ serviceName: 'sdk-instruments', prometheus: { serve: false }, logLevel: 'none' });
  created.push(perf);
  return { perf };
}

const unit = fc.oneof(fc.constantFrom('', '1', 's', 'ms', 'By', 'By/s', '{request}', '%', 'constructor', 'toString', '__proto__', 'hasOwnProperty', 'a b', 'm/s/s', '{a}/{b}'), fc.string({ maxLength: 12 }));
const instrumentName = fc.oneof(fc.constantFrom('app.requests', 'app_requests_total', 'a.b-c/d', 'x'), fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_.\-/]{0,30}$/));
const attributeKey = fc.oneof(fc.constantFrom('k', 'dotted.key', 'dash-key', 'le', 'quantile', '__name__', '0digit', 'ünï'), fc.string({ minLength: 1, maxLength: 10 }));

describe('plug-in instruments on /metrics', () => {
  it('keep the exposition strictly parseable whatever instrument names, units, kinds and attributes a plug-in uses', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            kind: fc.constantFrom('gauge', 'counter', 'updown', 'histogram', 'obsCounter'),
            name: instrumentName,
            unit,
            description: nastyString,
            attributes: fc.dictionary(attributeKey, fc.oneof(nastyString, fc.double(), fc.boolean(), fc.array(fc.string(), { maxLength: 2 })), { maxKeys: 3 }),
            value: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        async (instruments) => {
          const { perf } = setup();
          instruments.forEach((i, n) => {
            const name = `${i.name}${n}`;
            const options = { unit: i.unit, description: i.description };
            const attrs = i.attributes as Record<string, string>;
            if (i.kind === 'gauge') perf.meter.createObservableGauge(name, options).addCallback((r) => r.observe(i.value, attrs));
            else if (i.kind === 'obsCounter') perf.meter.createObservableCounter(name, options).addCallback((r) => r.observe(Math.abs(i.value), attrs));
            else if (i.kind === 'counter') perf.meter.createCounter(name, options).add(Math.abs(i.value), attrs);
            else if (i.kind === 'updown') perf.meter.createUpDownCounter(name, options).add(i.value, attrs);
            else perf.meter.createHistogram(name, options).record(Math.abs(i.value), attrs);
          });
          for (const openMetrics of [false, true]) parseExposition(await perf.metrics({ openMetrics }), { openMetrics });
          await perf.shutdown();
        },
      ),
      { numRuns: 150 },
    );
  });

  it('joins attributes whose names collide after sanitizing and escapes reserved names when a histogram carries le, __name__, a.b and a_b', async () => {
    const { perf } = setup();
    perf.meter.createHistogram('plugin.latency', { unit: 's', advice: { explicitBucketBoundaries: [0.1, 1] } }).record(0.5, { 'a.b': '1', a_b: '2', le: 'x', __name__: 'y' });
    const exp = parseExposition(await perf.metrics());
    const count = exp.samples.find((x) => x.name === 'plugin_latency_seconds_count');
    expect(count?.labels).toEqual({ a_b: '1;2', _le: 'x', _name__: 'y' });
  });
});
