import { DEFAULT_BAD_OUTCOMES, parseSlaSpec, slaThresholds } from '@perfkit/sla';

const setup = (extra: Record<string, unknown> = {}) =>
  slaThresholds(
    parseSlaSpec({
      service: 'svc',
      window: '7d',
      objectives: [
        { id: 'dl', operation: { type: 'download', name: 'fetch' }, success: { target: 0.995 } },
        { id: 'gen', operation: { type: 'model_operation' }, latency: { threshold: '250ms', target: 0.999 } },
      ],
      resources: { memory: { max: 0.85 }, diskFree: { min: 0.1 } },
      guards: [{ name: 'pool', queueWait: { max: 0.1 } }],
      ...extra,
    }),
  );

describe('slaThresholds', () => {
  it('gives each objective its budget without float noise and its threshold in seconds', () => {
    const t = setup();
    expect(t.windowSeconds).toBe(7 * 86_400);
    expect(t.objectives[0]).toMatchObject({ id: 'dl', sli: 'success', target: 0.995, errorBudget: 0.005, operationName: 'fetch' });
    expect(t.objectives[0]!.badOutcomes).toEqual(DEFAULT_BAD_OUTCOMES);
    expect(t.objectives[1]).toMatchObject({ sli: 'latency', errorBudget: 0.001, thresholdSeconds: 0.25 });
    expect(t.objectives[1]).not.toHaveProperty('operationName');
  });

  it('describes objectives in words when the spec gives no description', () => {
    expect(setup().objectives[1]!.description).toBe('99.9% of model_operation operations finish within 0.25s over 7d');
  });

  it('lists limits with direction, unit and for', () => {
    expect(setup().limits).toEqual([
      { id: 'memory', resource: 'memory', violatedWhen: 'above', limit: 0.85, unit: 'ratio', for: '10m' },
      { id: 'disk-free', resource: 'diskFree', violatedWhen: 'below', limit: 0.1, unit: 'ratio', for: '10m' },
      { id: 'guard-pool-queue-wait', resource: 'guardQueueWait', violatedWhen: 'above', limit: 0.1, unit: 'seconds', for: '5m', guard: 'pool' },
    ]);
  });

  it('never counts success or cancelled as bad by default', () => {
    expect(DEFAULT_BAD_OUTCOMES).not.toContain('success');
    expect(DEFAULT_BAD_OUTCOMES).not.toContain('cancelled');
  });
});

describe('slaThresholds, every field worked out by hand (mutation testing, issue 18)', () => {
  const spec = (extra: Record<string, unknown>) => slaThresholds(parseSlaSpec({ service: 'svc', window: '30d', objectives: [], ...extra }));

  it('counts failure, timeout, rejected and resource_exceeded as bad by default, or the outcomes the spec lists', () => {
    expect([...DEFAULT_BAD_OUTCOMES]).toEqual(['failure', 'timeout', 'rejected', 'resource_exceeded']);
    const t = spec({ objectives: [{ id: 'dl', operation: { type: 'download' }, success: { target: 0.99, badOutcomes: ['timeout'] } }] });
    expect(t.objectives[0]!.badOutcomes).toEqual(['timeout']);
  });

  it('describes a success objective in words, keeps a given description, and rounds the budget to what was written', () => {
    const t = spec({
      objectives: [
        { id: 'a', operation: { type: 'download', name: 'fetch' }, success: { target: 0.9995 } },
        { id: 'b', description: 'Fetches work', operation: { type: 'download' }, success: { target: 0.9 } },
        { id: 'c', operation: { type: 'model_operation', name: 'gen' }, latency: { threshold: '2500ms', target: 0.95 } },
      ],
    });
    expect(t.window).toBe('30d');
    expect(t.windowSeconds).toBe(2_592_000);
    expect(t.objectives.map((o) => o.description)).toEqual([
      '99.95% of download fetch succeed over 30d',
      'Fetches work',
      '95% of model_operation gen finish within 2.5s over 30d',
    ]);
    expect(t.objectives.map((o) => o.errorBudget)).toEqual([0.0005, 0.1, 0.05]);
    expect(t.objectives[0]).not.toHaveProperty('thresholdSeconds');
    expect(t.objectives[2]).toMatchObject({ sli: 'latency', thresholdSeconds: 2.5, operationName: 'gen', operationType: 'model_operation' });
    expect(t.objectives[0]!.alerting).toEqual({ labels: {}, annotations: {}, page: { labels: {} }, ticket: { labels: {} } });
    expect(t.queryObjectives).toEqual([]);
    expect(t.service).toBe('svc');
  });

  it('carries alert settings as given, and a raw-PromQL objective to queryObjectives only', () => {
    const t = spec({
      objectives: [
        {
          id: 'api',
          promql: { target: 0.999, errorQuery: 'sum(rate(errors_total[{{.window}}]))', totalQuery: 'sum(rate(requests_total[{{.window}}]))' },
          alerting: { name: 'ApiBurn', labels: { team: 'a' }, annotations: { summary: 's' }, page: { for: '2m', labels: { pager: 'yes' } }, ticket: { labels: { queue: 'q' } } },
        },
        { id: 'good', promql: { target: 0.99, goodQuery: 'sum(rate(ok_total[{{.window}}]))', totalQuery: 'sum(rate(all_total[{{.window}}]))' } },
      ],
    });
    expect(t.objectives).toEqual([]);
    expect(t.queryObjectives[0]).toEqual({
      id: 'api',
      description: '99.9% of the events the api queries count are good over 30d',
      sli: 'promql',
      target: 0.999,
      errorBudget: 0.001,
      errorQuery: 'sum(rate(errors_total[{{.window}}]))',
      totalQuery: 'sum(rate(requests_total[{{.window}}]))',
      alerting: { name: 'ApiBurn', labels: { team: 'a' }, annotations: { summary: 's' }, page: { for: '2m', labels: { pager: 'yes' } }, ticket: { labels: { queue: 'q' } } },
    });
    expect(t.queryObjectives[1]).toMatchObject({ goodQuery: 'sum(rate(ok_total[{{.window}}]))', errorBudget: 0.01 });
    expect(t.queryObjectives[1]).not.toHaveProperty('errorQuery');
  });

  it('fills in empty page and ticket settings when an objective sets only some alert settings', () => {
    const alerting = (a: Record<string, unknown>) =>
      spec({ objectives: [{ id: 'dl', operation: { type: 'download' }, success: { target: 0.99 }, alerting: a }] }).objectives[0]!.alerting;
    expect(alerting({ name: 'DlBurn' })).toEqual({ name: 'DlBurn', labels: {}, annotations: {}, page: { labels: {} }, ticket: { labels: {} } });
    expect(alerting({ ticket: { for: '1h' } })).toEqual({ labels: {}, annotations: {}, page: { labels: {} }, ticket: { for: '1h', labels: {} } });
  });

  it('lists every resource and guard limit with its direction, unit and default for', () => {
    const t = spec({
      resources: { cpu: { max: 0.9 }, gpuUtilization: { max: 0.95, for: '1m' }, gpuMemory: { max: 0.8 }, eventLoopDelay: { max: 0.2 } },
      guards: [{ name: 'gen', utilization: { max: 0.7 } }],
    });
    expect(t.limits).toEqual([
      { id: 'cpu', resource: 'cpu', violatedWhen: 'above', limit: 0.9, unit: 'ratio', for: '10m' },
      { id: 'gpu-utilization', resource: 'gpuUtilization', violatedWhen: 'above', limit: 0.95, unit: 'ratio', for: '1m' },
      { id: 'gpu-memory', resource: 'gpuMemory', violatedWhen: 'above', limit: 0.8, unit: 'ratio', for: '10m' },
      { id: 'event-loop-delay', resource: 'eventLoopDelay', violatedWhen: 'above', limit: 0.2, unit: 'seconds', for: '5m' },
      { id: 'guard-gen-utilization', resource: 'guardUtilization', violatedWhen: 'above', limit: 0.7, unit: 'ratio', for: '10m', guard: 'gen' },
    ]);
    expect(spec({}).limits).toEqual([]);
  });
});
