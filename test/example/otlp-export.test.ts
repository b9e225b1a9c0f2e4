import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ATTR, METRICS } from '@perfkit/core';
import { startExample, waitFor, type StartedExample } from '../helpers';

interface Attribute { key: string; value: { stringValue?: string } }
interface ExportRequest {
  resourceMetrics: Array<{ resource?: { attributes?: Attribute[] }; scopeMetrics: Array<{ metrics: Array<{ name: string; histogram?: { dataPoints: Array<{ attributes?: Attribute[]; count?: string | number }> } }> }> }>;
}

/** A minimal OTLP/HTTP receiver (JSON, what the OTLP HTTP exporter sends) standing in for the Collector. */
async function startReceiver() {
  const requests: ExportRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/metrics' && String(req.headers['content-type']).includes('json')) requests.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ExportRequest);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`;
  return { url, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const attr = (attrs: Attribute[] | undefined, key: string) => attrs?.find((a) => a.key === key)?.value.stringValue;

describe('example pushing OTLP the way docker-compose runs its second instance', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let example: StartedExample;

  beforeAll(async () => {
    receiver = await startReceiver();
    // The same variables docker-compose.yml gives model-service-otlp.
    example = await startExample({
      traffic: 30,
      env: { PERFKIT_PROMETHEUS_ENABLED: 'false', PERFKIT_OTLP_URL: receiver.url, PERFKIT_OTLP_INTERVAL_MS: '500', PERFKIT_SERVICE_INSTANCE_ID: 'model-service-otlp-1' },
    });
  }, 30_000);

  afterAll(async () => {
    await example?.stop();
    await receiver?.close();
  });

  it('says where it pushes, and still serves /metrics on the service port', async () => {
    expect(example.ready.otlp).toBe(receiver.url);
    expect(example.metrics).toBe(`${example.app}/metrics`);
    const text = await (await fetch(example.metrics)).text();
    expect(text).toContain(`${METRICS.operationDuration.prom}_bucket`);
  });

  it('pushes operation histograms with the resource the Collector turns into job and instance', async () => {
    const found = await waitFor(() => {
      for (const r of receiver.requests) {
        for (const rm of r.resourceMetrics) {
          const metric = rm.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.name === METRICS.operationDuration.otel && m.histogram?.dataPoints.length);
          if (metric) return { resource: rm.resource?.attributes, metric };
        }
      }
      return undefined;
    }, 20_000, 250);
    expect(attr(found.resource, 'service.name')).toBe('model-service');
    expect(attr(found.resource, 'service.instance.id')).toBe('model-service-otlp-1');
    const types = new Set(found.metric.histogram!.dataPoints.map((p) => attr(p.attributes, ATTR.operationType)));
    expect(types.size).toBeGreaterThan(0);
  });

  it('flushes once more when stopped with SIGTERM', async () => {
    const before = receiver.requests.length;
    expect(await example.stop()).toBe(0);
    expect(receiver.requests.length).toBeGreaterThan(before);
  });
});
