import { Worker } from 'node:worker_threads';
import { createPerfkit, type Perfkit } from '@perfkit/core';
import { ensureBuilt } from '../../../../test/helpers/build';

// Issue 17's overhead profile: worker threads sent their reports over one BroadcastChannel per process, so every
// report (and every acknowledgement) was delivered to, and deserialized by, every thread with perfkit, not only by
// the main thread that merges them. With four generate workers each received the other three's reports.

const COUNT = (name: string) => `perfkit_operation_duration_seconds_count{operation_type="download",operation_name="${name}",operation_outcome="success"}`;

function sample(text: string, prefix: string): number {
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
}

async function until(perf: Perfkit, name: string, expected: number): Promise<number> {
  let seen = NaN;
  for (const end = Date.now() + 15_000; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
    seen = sample(await perf.metrics(), COUNT(name));
    if (seen === expected) break;
  }
  return seen;
}

/**
 * A thread with perfkit that counts, before perfkit loads, every BroadcastChannel message delivered to it that only
 * an aggregating perfkit has any use for (another perfkit's hello, report or last report).
 */
function thread(name: string): { worker: Worker; ask: (m: unknown) => Promise<unknown> } {
  const core = ensureBuilt('packages/core', 'index.js');
  const worker = new Worker(
    `const { parentPort, BroadcastChannel } = require('node:worker_threads');
     let foreign = 0;
     const dispatch = BroadcastChannel.prototype.dispatchEvent;
     BroadcastChannel.prototype.dispatchEvent = function (event) {
       const kind = event && event.data && event.data.kind;
       if (kind === 'report' || kind === 'hello' || kind === 'bye') foreign++;
       return dispatch.call(this, event);
     };
     const perf = require(${JSON.stringify(core)}).createPerfkit({ serviceName: 'regression', prometheus: { port: 0 }, logLevel: 'none' });
     const op = perf.operation('download', ${JSON.stringify(name)});
     parentPort.on('message', (m) => {
       if (m === 'reset') foreign = 0;
       if (typeof m === 'number') for (let i = 0; i < m; i++) op.track(() => i);
       if (m === 'exit') process.exit(0);
       parentPort.postMessage(foreign);
     });`,
    { eval: true },
  );
  const ask = (m: unknown) => new Promise((resolve) => worker.once('message', resolve).postMessage(m));
  return { worker, ask };
}

describe('regression: worker threads received every other thread’s reports', () => {
  it('delivers a thread’s reports to the main thread only: another thread with perfkit receives none of them', async () => {
    const perf = createPerfkit({ serviceName: 'regression', prometheus: { port: 0, serve: false }, logLevel: 'none' });
    const a = thread('from-a');
    const b = thread('from-b');
    try {
      await check(perf, a, b);
    } finally {
      await Promise.all([a.worker.terminate(), b.worker.terminate()]);
      await perf.shutdown();
    }
  }, 90_000); // the first test of a run may build the package for the threads
});

async function check(perf: Perfkit, a: ReturnType<typeof thread>, b: ReturnType<typeof thread>): Promise<void> {
  {
    await a.ask(10);
    await b.ask(1);
    expect(await until(perf, 'from-a', 10)).toBe(10);
    expect(await until(perf, 'from-b', 1)).toBe(1);

    await b.ask('reset');
    await a.ask(20);
    expect(await until(perf, 'from-a', 30)).toBe(30); // a's reports reach the main thread
    for (let i = 0; i < 3; i++) await perf.metrics(); // each collection asks a for a report
    expect(await b.ask('count')).toBe(0);

    await Promise.all([a, b].map((t) => new Promise((resolve) => t.worker.once('exit', resolve).postMessage('exit'))));
    expect(sample(await perf.metrics(), COUNT('from-a'))).toBe(30); // kept after the threads are gone
  }
}
