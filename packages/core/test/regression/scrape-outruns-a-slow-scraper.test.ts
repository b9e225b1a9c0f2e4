import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPerfkit, type Perfkit } from '@perfkit/core';

// Scraping 100,000 series over HTTP held the event loop 10-18 ms at a time (Node 26, main-thread CPU between ticks)
// where perf.metrics() held it 3-4 ms, and gzip scrapes up to 93 ms: the renderer wrote every chunk without regard
// for the socket or gzip stream, so the whole 200 MB piled up in their buffers (as Buffers outside the heap, which
// made V8 run full collections), every chunk was kept for scrapers that might join late (200 MB of heap growth a
// scrape), and the request's parsing, the SDK's collection and the first slice ran as one block, chained through
// microtasks. Now the renderer waits for a consumer that asks it to, keeps at most REPLAY_BYTES for late joiners,
// and starts each step on a turn of its own.

type Renderer = {
  stream(om: boolean, on: (c: string) => void | Promise<void>): Promise<void>;
  replayBytes: number;
};
const rendererOf = (perf: Perfkit) => (perf as unknown as { exposition: Renderer }).exposition;
const turns = (n: number) => new Promise<void>((resolve) => {
  const next = (left: number) => (left === 0 ? resolve() : setImmediate(() => next(left - 1)));
  next(n);
});

describe('a scrape that outruns its scraper', () => {
  let perf: Perfkit;
  beforeAll(() => {
    perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', limits: { maxSeriesPerMetric: 100_000 } });
    for (let i = 0; i < 5_000; i++) perf.operation('download', `op-${i}`).record(0.3);
  });
  afterAll(() => perf.shutdown());

  it('waits for a consumer that asked it to, and goes on once it has taken what it was given', async () => {
    const renderer = rendererOf(perf);
    const chunks: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const done = renderer.stream(false, (c) => {
      chunks.push(c);
      return chunks.length === 1 ? held : undefined;
    });
    await turns(50); // ~50 slices' worth of turns: far more than the rendering needs
    const whileHeld = chunks.length;
    expect(whileHeld).toBeGreaterThanOrEqual(1);
    await turns(50);
    expect(chunks.length).toBe(whileHeld); // nothing more while the consumer holds it back
    release();
    await done;
    expect(chunks.length).toBeGreaterThan(whileHeld);
    expect(chunks.join('')).toBe(await perf.metrics());
  });

  it('lets the event loop turn between the request and its first chunk', async () => {
    const renderer = rendererOf(perf);
    let turned = false;
    let turnedBeforeFirstChunk: boolean | undefined;
    const done = renderer.stream(false, () => {
      turnedBeforeFirstChunk ??= turned;
    });
    setImmediate(() => (turned = true));
    await done;
    expect(turnedBeforeFirstChunk).toBe(true);
  });

  it('keeps at most its replay limit for late joiners; a scraper arriving later gets a rendering of its own', async () => {
    const renderer = rendererOf(perf);
    const before = renderer.replayBytes;
    renderer.replayBytes = 100_000;
    const builds = jest.spyOn(renderer as unknown as { build: () => Promise<void> }, 'build');
    try {
      let first = '';
      let second = '';
      let joined: Promise<void> | undefined;
      const whole = renderer.stream(false, (c) => {
        first += c;
        if (first.length > 200_000) joined ??= renderer.stream(false, (d) => void (second += d));
      });
      await whole;
      await joined;
      expect(builds).toHaveBeenCalledTimes(2);
      expect(second).toBe(first);
    } finally {
      builds.mockRestore();
      renderer.replayBytes = before;
    }
  });

  it('does not pile the text up in the response of a scraper that does not read', async () => {
    let response: http.ServerResponse | undefined;
    const server = http.createServer((req, res) => {
      response = res;
      perf.metricsHandler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const text = await perf.metrics();
    try {
      const port = (server.address() as AddressInfo).port;
      let received = 0;
      await new Promise<void>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
          res.pause(); // a scraper that stopped reading
          let last = -1;
          const check = setInterval(() => {
            const buffered = response!.writableLength;
            if (buffered !== last) {
              last = buffered;
              return;
            }
            clearInterval(check); // the renderer stopped: how much did it pile up?
            try {
              expect(buffered).toBeLessThan(text.length / 4);
            } catch (err) {
              reject(err);
              return;
            }
            res.on('data', (c: Buffer) => (received += c.length));
            res.on('end', () => resolve());
            res.resume();
          }, 200);
        });
        req.on('error', reject);
      });
      expect(received).toBe(Buffer.byteLength(text));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
