import http from 'node:http';
import { createPerfkit } from '@perfkit/core';
import { dashboardPlugin } from '@perfkit/dashboard';

function setup() {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  return { perf, dash: dashboardPlugin({ port: 0 }) };
}

describe('dashboardPlugin', () => {
  it('refuses to analyze before it is started and says why', async () => {
    const { perf, dash } = setup();
    expect(() => dash.analyze()).toThrow(/perf\.use/);
    await perf.shutdown();
  });

  it('starts its own server, closes it on shutdown, and shuts down idempotently', async () => {
    const { perf, dash } = setup();
    perf.use(dash);
    await dash.ready();
    expect(dash.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await fetch(`${dash.url}health`)).status).toBe(200);
    await Promise.all([perf.shutdown(), dash.shutdown(), dash.shutdown()]);
    await expect(fetch(`${dash.url}health`)).rejects.toThrow();
  });

  it('answers false for paths that are not its own, touching nothing', () => {
    const { dash } = setup();
    const res = new http.ServerResponse(new http.IncomingMessage(null as never));
    expect(dash.handler({ url: '/metrics', method: 'GET' } as http.IncomingMessage, res)).toBe(false);
    expect(res.headersSent).toBe(false);
  });

  it('throws a coded error for bad options at creation', () => {
    expect(() => dashboardPlugin({ port: -1 })).toThrow(/dashboard\.port/);
    expect(() => dashboardPlugin({ retentionMs: Infinity })).toThrow(/dashboard\.retentionMs/);
  });
});
