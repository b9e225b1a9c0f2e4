import { loadConfig } from '../../src/config';
import { createDiagLogger } from '../../src/diag';
import { Aggregator } from '../../src/cluster/Aggregator';
import { summarizeConfig } from '../../src/cluster/configSummary';
import type { PerfkitMessage } from '../../src/cluster/protocol';
import { StoreReporter } from '../../src/cluster/StoreReporter';
import { WIRE_REPORT } from '../../src/cluster/StoreMerger';
import { keptShape } from '../../src/keepShape';
import type { Peer } from '../../src/cluster/transports';
import { OperationStore } from '../../src/store/OperationStore';

// The primary's collection: what ends its wait for the workers' answers. Fake timers stand still, so a collection
// that resolves here was ended by the event under test, never by its timeout (which only time could end).

const storeOf = () => new OperationStore(loadConfig({ prometheus: false }, {}), createDiagLogger('none'));

function setup() {
  const store = storeOf();
  const lines: string[] = [];
  const diag = { ...createDiagLogger('none'), info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m) };
  const aggregator = new Aggregator({ id: 'primary', store, diag, serviceName: 'svc', config: summarizeConfig(undefined, store), cluster: false, threads: false });
  /** A cluster worker talking to the aggregator over a fake IPC channel. */
  const worker = (workerId: number) => {
    const sent: PerfkitMessage[] = [];
    const peer: Peer = { via: 'cluster', workerId, send: (m) => sent.push(m) };
    const from = `c${workerId}`;
    aggregator.onMessage(peer, { perfkit: 1, kind: 'hello', from, to: 'primary', label: `cluster worker ${workerId}`, serviceName: 'svc' } as never);
    return { peer, sent, from, store: storeOf() };
  };
  return { aggregator, store, lines, worker };
}

/** Settles pending promise callbacks and immediates without moving the clock past any timer. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await jest.advanceTimersByTimeAsync(0);
}

describe('Aggregator collection', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('ends its wait when the last awaited worker exits during the collection, without its timeout', async () => {
    const { aggregator, worker, lines } = setup();
    const a = worker(1);
    const b = worker(2);
    let done = false;
    const collected = aggregator.refresh().then(() => (done = true));
    await settle();
    expect(a.sent.map((m) => m.kind)).toContain('collect');
    const ask = b.sent.find((m) => m.kind === 'collect') as PerfkitMessage & { id: number };
    b.store.operation('download', 'x').record(0.1);
    aggregator.onMessage(b.peer, { perfkit: 1, kind: 'report', from: b.from, to: 'primary', label: 'cluster worker 2', id: ask.id, report: new StoreReporter(b.store).build(true) } as never);
    await settle();
    expect(done).toBe(false); // worker 1 has not answered
    aggregator.onWorkerExit(1, 3, null);
    await settle();
    expect(done).toBe(true);
    await collected;
    expect(lines.join('\n')).toMatch(/cluster worker 1 exited with code 3 during a collection: what it counted until its last report is kept/);
    aggregator.close();
  });

  it('does not wait for a sender whose messages were garbage', async () => {
    const { aggregator, lines } = setup();
    const peer: Peer = { via: 'cluster', workerId: 7, send: () => undefined };
    aggregator.onMessage(peer, { perfkit: 1, kind: 'report', from: 'intruder', to: 'primary', label: 'x', id: -1, report: 'not a report' } as never);
    await settle();
    expect(lines.join('\n')).toMatch(/ignored a malformed perfkit message from cluster worker 7 \("intruder"\)/);
    expect(aggregator.workers).toBe(0);
    let done = false;
    void aggregator.refresh().then(() => (done = true));
    await settle();
    expect(done).toBe(true);
    aggregator.close();
  });

  it('waits out its timeout for a worker that never answers (what the cases above would do if the event did not end the wait)', async () => {
    const { aggregator, worker } = setup();
    worker(1);
    let done = false;
    void aggregator.refresh().then(() => (done = true));
    await settle();
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1000);
    await settle();
    expect(done).toBe(true);
    aggregator.close();
  });
});

describe('Aggregator close', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('lets go of the report it kept for its hidden classes, and of no one else\'s', async () => {
    const report = async (agg: ReturnType<typeof setup>) => {
      const w = agg.worker(1);
      w.store.operation('download', 'x').record(0.1);
      const sent = new StoreReporter(w.store).build(true);
      agg.aggregator.onMessage(w.peer, { perfkit: 1, kind: 'report', from: w.from, to: 'primary', label: 'cluster worker 1', id: -1, report: sent } as never);
      await settle();
      return sent;
    };
    const first = setup();
    const second = setup();
    const kept = await report(first);
    expect(keptShape(WIRE_REPORT)).toBe(kept); // merged, and kept while its aggregator lives
    const later = await report(second);
    expect(keptShape(WIRE_REPORT)).toBe(later);
    first.aggregator.close(); // its report is no longer the one kept: the other's stays
    expect(keptShape(WIRE_REPORT)).toBe(later);
    second.aggregator.close();
    expect(keptShape(WIRE_REPORT)).toBeUndefined();
  });
});
