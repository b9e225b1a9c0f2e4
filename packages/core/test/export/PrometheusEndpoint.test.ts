import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPerfkit, type Perfkit } from '@perfkit/core';

const open: Perfkit[] = [];
function setup(config: Parameters<typeof createPerfkit>[0] = {}) {
  const perf = createPerfkit({ logLevel: 'none', ...config });
  open.push(perf);
  return { perf };
}
afterAll(() => Promise.all(open.map((p) => p.shutdown())));

describe('PrometheusEndpoint', () => {
  it('serves /metrics on 127.0.0.1 with the 0.0.4 content type, 404 elsewhere, 405 for POST', async () => {
    const { perf } = setup({ prometheus: { port: 0 } });
    await perf.ready();
    expect(perf.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    perf.trackOperation('download', 'x', () => 0);
    const res = await fetch(perf.metricsUrl!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await res.text()).toContain('perfkit_operation_duration_seconds_count{operation_type="download"');
    expect((await fetch(perf.metricsUrl!.replace('/metrics', '/other'))).status).toBe(404);
    expect((await fetch(perf.metricsUrl!, { method: 'POST' })).status).toBe(405);
    const om = await fetch(perf.metricsUrl!, { headers: { accept: 'application/openmetrics-text;version=1.0.0' } });
    expect(om.headers.get('content-type')).toContain('application/openmetrics-text');
  });

  it('fails ready() with PERFKIT_ERR_PORT_IN_USE when a second instance takes the same port', async () => {
    const { perf } = setup({ prometheus: { port: 0 } });
    await perf.ready();
    const port = Number(new URL(perf.metricsUrl!).port);
    const { perf: second } = setup({ prometheus: { port } });
    await expect(second.ready()).rejects.toMatchObject({ code: 'PERFKIT_ERR_PORT_IN_USE', message: expect.stringContaining(String(port)) });
  });

  it('mounts on the user server through metricsHandler', async () => {
    const { perf } = setup({ prometheus: { serve: false } });
    const server = http.createServer((req, res) => (req.url === '/metrics' ? perf.metricsHandler(req, res) : res.end('app')));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    server.close();
    expect(text).toContain('# TYPE perfkit_dropped_measurements_total counter');
    expect(perf.metricsUrl).toBeUndefined();
  });

  it('shuts down twice without error and closes the port', async () => {
    const { perf } = setup({ prometheus: { port: 0 } });
    await perf.ready();
    const url = perf.metricsUrl!;
    await perf.shutdown();
    await perf.shutdown();
    await expect(fetch(url)).rejects.toThrow();
  });
});
