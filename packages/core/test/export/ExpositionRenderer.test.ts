import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { createPerfkit, type Perfkit } from '@perfkit/core';
import type { ExpositionRenderer } from '../../src/export/ExpositionRenderer';
import { countTurns } from '../countTurns';

const open: Perfkit[] = [];
function setup(series: number) {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', limits: { maxSeriesPerMetric: 100_000 } });
  open.push(perf);
  for (let i = 0; i < series; i++) perf.operation('download', `op-${i}`).record(0.3);
  return perf;
}
afterAll(() => Promise.all(open.map((p) => p.shutdown())));

function get(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

describe('the streamed scrape', () => {
  it('yields to the event loop while writing many series, and metrics() still returns the whole text', async () => {
    const perf = setup(20_000);
    const counter = countTurns();
    const text = await perf.metrics();
    counter.stop();
    expect(counter.turns).toBeGreaterThan(1); // other work ran between slices
    const counts = text.split('\n').filter((l) => l.startsWith('perfkit_operation_duration_seconds_count{'));
    expect(counts).toHaveLength(20_000);
    expect(counts.every((l) => l.endsWith(' 1'))).toBe(true);
  });

  it('gives concurrent scrapers the same complete text, gzipped for those that ask, whole for the rest', async () => {
    const perf = setup(5000);
    const server = http.createServer(perf.metricsHandler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => get(url, i % 2 ? { 'accept-encoding': 'gzip' } : { 'accept-encoding': 'GZIP;q=0' })),
      );
      const texts = answers.map((a) => (a.headers['content-encoding'] === 'gzip' ? gunzipSync(a.body) : a.body).toString('utf8'));
      expect(answers.map((a) => a.headers['content-encoding'] ?? 'identity')).toEqual(Array.from({ length: 10 }, (_, i) => (i % 2 ? 'gzip' : 'identity')));
      for (const t of texts) expect(t.split('\n').filter((l) => l.startsWith('perfkit_operation_duration_seconds_count{'))).toHaveLength(5000);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('survives a scraper that disconnects mid-stream, and serves the next one', async () => {
    const perf = setup(20_000);
    const server = http.createServer(perf.metricsHandler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
      await new Promise<void>((resolve) => {
        const req = http.get(url, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', () => resolve());
      });
      const next = await get(url, {});
      expect(next.status).toBe(200);
      expect(next.body.toString('utf8')).toContain('perfkit_dropped_measurements_total');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('the slice budget', () => {
  /** The renderer inside `perf` (internal; the bench reaches it the same way). */
  const renderer = (perf: Perfkit) => (perf as unknown as { exposition: ExpositionRenderer }).exposition;

  /**
   * Scrapes `perf` under a clock that advances `stepMs` at every reading, so that a slice's length is a count of clock
   * readings: the number of slices then follows from the budget and the number of budget checks, whatever the machine.
   */
  async function slicesUnderFakeClock(perf: Perfkit, stepMs: number): Promise<number> {
    let t = 0;
    const clock = jest.spyOn(performance, 'now').mockImplementation(() => (t += stepMs));
    try {
      await perf.metrics();
    } finally {
      clock.mockRestore();
    }
    return renderer(perf).lastSlices!.slices;
  }

  // 1,024 series make 81 budget checks: 1,024 duration rows / 16 = 64, 1,024 active gauges / 64 = 16, one scan of
  // 1,024 handles for figures = 1. A slice starts with one clock reading and each check reads it once more: at 0.25 ms
  // a reading, the 4th check of a slice is the first at 1 ms (the 8th the first at 2 ms).
  it('ends a perf.metrics() slice at the first check 1 ms into it: 21 slices for 1,024 series when the clock advances 0.25 ms a reading', async () => {
    // Yields after checks 4, 8, ..., 80: 20 yields, 21 slices.
    expect(await slicesUnderFakeClock(setup(1024), 0.25)).toBe(21);
  });

  it('honours a budget the renderer is configured with: 11 slices at 2 ms', async () => {
    const perf = setup(1024);
    renderer(perf).sliceMs = 2;
    // Yields after checks 8, 16, ..., 80: 10 yields, 11 slices.
    expect(await slicesUnderFakeClock(perf, 0.25)).toBe(11);
  });
});
