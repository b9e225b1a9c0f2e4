/**
 * The example's READY line (`PERFKIT_EXAMPLE_READY {json}`) spreads its URLs, then adds facts about the process. The
 * SLA spec path went under `sla`, the key of the `GET /sla` URL, so with a spec in use the line carried the path and
 * lost the URL: a script reading the line could not find `/sla`. The path is `slaSpec` now, and a URL named like any
 * fact of the line is refused at start-up rather than silently lost. The line is built from a real Perfkit, with
 * the URLs and spec path written out by hand.
 */
import { createPerfkit, type Perfkit } from '@perfkit/core';
import { READY_PREFIX, readyFields, readyLine } from '../../src/readyLine';

const APP = 'http://127.0.0.1:8080';
const URLS = {
  app: APP,
  metrics: `${APP}/metrics`,
  knobs: `${APP}/knobs`,
  models: `${APP}/models`,
  service: `${APP}/service`,
  sla: `${APP}/sla`,
  dashboard: `${APP}/`,
  api: `${APP}/api/v1/performance/dashboard`,
  health: `${APP}/health/detailed`,
};

const perfs: Perfkit[] = [];
afterAll(async () => {
  await Promise.all(perfs.map((p) => p.shutdown()));
});

function setup(otlpUrl?: string) {
  const perf = createPerfkit({
    serviceName: 'model-service',
    prometheus: { serve: false },
    logLevel: 'none',
    serviceInstanceId: 'instance-1',
    ...(otlpUrl ? { otlp: { url: otlpUrl, intervalMs: 60_000, timeoutMs: 100 } } : {}),
  });
  perfs.push(perf);
  return { perf };
}

/** The JSON after the prefix, as a reader of the line parses it. */
function parse(line: string): Record<string, unknown> {
  expect(line.startsWith(READY_PREFIX)).toBe(true);
  return JSON.parse(line.slice(READY_PREFIX.length)) as Record<string, unknown>;
}

describe('ready-line-spec-path-hides-sla-url', () => {
  it('carries the /sla URL under sla and the spec path under slaSpec', () => {
    const { perf } = setup('http://user:s3cret@127.0.0.1:1/v1/metrics');
    const line = readyLine(readyFields({ urls: URLS, perf, slaPath: '/srv/examples/sla.yaml' }, { traffic: true, trafficRate: 5 }, 4242));
    expect(parse(line)).toEqual({
      ...URLS,
      serviceName: 'model-service',
      instanceId: 'instance-1',
      otlp: 'http://[REDACTED]@127.0.0.1:1/v1/metrics',
      traffic: 5,
      pid: 4242,
      slaSpec: '/srv/examples/sla.yaml',
    });
    expect(line).not.toContain('s3cret');
  });

  it('says slaSpec null and has no sla URL without a spec', () => {
    const { perf } = setup();
    const { sla: _sla, ...urls } = URLS;
    const ready = parse(readyLine(readyFields({ urls, perf, slaPath: undefined }, { traffic: false, trafficRate: 5 }, 1)));
    expect(ready.slaSpec).toBeNull();
    expect('sla' in ready).toBe(false);
    expect([ready.otlp, ready.traffic]).toEqual([null, 0]);
  });

  it.each(['serviceName', 'instanceId', 'otlp', 'traffic', 'pid', 'slaSpec'])('refuses a URL named %s instead of losing it', (name) => {
    const { perf } = setup();
    expect(() => readyFields({ urls: { ...URLS, [name]: `${APP}/${name}` }, perf, slaPath: undefined }, { traffic: false, trafficRate: 5 }, 1)).toThrow(
      `the URL "${name}" has the name of a READY line fact: rename one`,
    );
  });
});
