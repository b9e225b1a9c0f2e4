import { createPerfkit, type Perfkit } from '@perfkit/core';

const open: Perfkit[] = [];
function setup() {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  open.push(perf);
  const count = (outcome: string) => perf.snapshot().series.filter((s) => s.outcome === outcome).reduce((n, s) => n + s.count, 0);
  return { perf, count };
}
afterAll(() => Promise.all(open.map((p) => p.shutdown())));

/** A knex-style query builder: chainable, runs its query only when `then` is called. */
class QueryBuilder {
  runs = 0;
  readonly clauses: string[] = [];
  where(clause: string): this {
    this.clauses.push(clause);
    return this;
  }
  then<R>(ok: (rows: string[]) => R, fail?: (err: unknown) => R): Promise<R> {
    this.runs++;
    return Promise.resolve(this.clauses).then(ok, fail);
  }
}

/** A Prisma-style lazy thenable that rejects when (and only when) it is run. */
function lazyFailingQuery() {
  let runs = 0;
  return {
    get runs() {
      return runs;
    },
    then(_ok: unknown, fail: (e: unknown) => void) {
      runs++;
      fail(new Error('query failed'));
    },
  };
}

describe('regression: track() wrapped non-native thenables in a new Promise', () => {
  it('returns a query builder as it is, without running it', () => {
    const { perf, count } = setup();
    const builder = new QueryBuilder();
    const got = perf.operation('download', 'q').track(() => builder.where('a = 1'));
    expect(got).toBe(builder);
    expect(got.where('b = 2')).toBe(builder);
    expect(builder.runs).toBe(0);
    expect(count('success')).toBe(1); // timed as the synchronous work it was
  });

  it('never runs a lazy thenable and never creates a rejection of its own', async () => {
    const { perf, count } = setup();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const lazy = lazyFailingQuery();
      const got = perf.operation('download', 'lazy').track(() => lazy);
      expect(got).toBe(lazy);
      await new Promise((r) => setTimeout(r, 20));
      expect(lazy.runs).toBe(0);
      expect(unhandled).toEqual([]);
      expect(count('failure')).toBe(0);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('still measures an awaited thenable inside an async function, until it settles', async () => {
    const { perf, count } = setup();
    const op = perf.operation('download', 'awaited');
    await expect(op.track(async () => await lazyFailingQuery())).rejects.toThrow('query failed');
    expect(await op.track(async () => await new QueryBuilder().where('x'))).toEqual(['x']);
    expect(count('failure')).toBe(1);
    expect(count('success')).toBe(1);
  });

  it('survives hostile results: a throwing then getter, a proxy whose traps throw', () => {
    const { perf } = setup();
    const evil = Object.defineProperty({}, 'then', {
      get() {
        throw new Error('boom');
      },
    });
    expect(perf.operation('download', 'w').track(() => evil)).toBe(evil);
    const proxy = new Proxy({}, { getPrototypeOf() { throw new Error('trap'); }, get() { throw new Error('trap'); } });
    expect(perf.operation('download', 'w').track(() => proxy)).toBe(proxy);
  });
});
