import fs from 'node:fs';
import path from 'node:path';
import { LABEL, METRICS } from '@perfkit/core';
import { ensureBuilt, REPO_ROOT, startProcess, waitFor, type ManagedProcess } from '../helpers';

describe('fastify example', () => {
  let proc: ManagedProcess;
  let url: string;

  beforeAll(async () => {
    const main = ensureBuilt('examples/fastify-app', 'main.js');
    proc = startProcess(process.execPath, [main], { cwd: REPO_ROOT, env: { ...process.env, PORT: '0' } });
    url = await waitFor(() => /fastify-app on (http:\/\/\S+),/.exec(proc.output())?.[1], 15_000, 50);
  }, 30_000);

  afterAll(async () => {
    await proc?.stop();
  });

  it('stays under 30 lines', () => {
    const source = fs.readFileSync(path.join(REPO_ROOT, 'examples/fastify-app/src/main.ts'), 'utf8');
    expect(source.trimEnd().split('\n').length).toBeLessThan(30);
  });

  it('times every request per route and serves the series on the app port', async () => {
    expect(await (await fetch(`${url}/work`)).json()).toEqual({ tokens: 42 });
    expect((await fetch(`${url}/${'x'.repeat(5000)}`)).status).toBe(404);
    const text = await (await fetch(`${url}/metrics`)).text();
    const count = `${METRICS.operationDuration.prom}_count`;
    expect(text).toContain(`${count}{${LABEL.operationType}="http_request",${LABEL.operationName}="GET /work",${LABEL.outcome}="success"} 1`);
    expect(text).toContain(`${count}{${LABEL.operationType}="http_request",${LABEL.operationName}="GET unmatched",${LABEL.outcome}="success"} 1`);
    expect(text).toContain(`${METRICS.modelTokens.prom}{${LABEL.operationType}="model_operation",${LABEL.operationName}="generate"} 42`);
  });

  it('exits 0 on SIGTERM', async () => {
    expect(await proc.stop()).toBe(0);
  });
});
