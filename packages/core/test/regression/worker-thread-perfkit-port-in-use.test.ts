import { Worker } from 'node:worker_threads';
import { createPerfkit } from '@perfkit/core';
import { ensureBuilt } from '../../../../test/helpers/build';

// Issue 13: perfkit created in a worker thread with the same configuration as the main thread rejected ready()
// with PERFKIT_ERR_PORT_IN_USE, and its operations appeared nowhere.
describe('regression: perfkit in a worker thread fought the main thread for the port', () => {
  it('resolves ready() in the thread and serves its operations from the main thread', async () => {
    const perf = createPerfkit({ serviceName: 'regression', prometheus: { port: 0 }, logLevel: 'none' });
    await perf.ready();
    const port = Number(new URL(perf.metricsUrl!).port);
    const core = ensureBuilt('packages/core', 'index.js');
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       const perf = require(${JSON.stringify(core)}).createPerfkit({ serviceName: 'regression', prometheus: { port: ${port} }, logLevel: 'none' });
       perf.operation('download', 'from-thread').record(0.2);
       perf.ready().then(() => parentPort.postMessage('ready'), (err) => parentPort.postMessage(err.code));
       parentPort.once('message', () => process.exit(0));`,
      { eval: true },
    );
    const answer = await new Promise((resolve) => worker.once('message', resolve));
    expect(answer).toBe('ready');
    const text = await (await fetch(perf.metricsUrl!)).text();
    expect(text).toContain('perfkit_operation_duration_seconds_count{operation_type="download",operation_name="from-thread",operation_outcome="success"} 1\n');
    worker.postMessage('exit');
    await new Promise((resolve) => worker.once('exit', resolve));
    await perf.shutdown();
  }, 90_000);
});
