import { createPerfkit, type Perfkit } from '@perfkit/core';
import { histogramText } from '../../src/export/PrometheusSerializer';
import { ChunkPool, CHUNK_BYTES, CHUNK_CHARS, SlicedWriter, TEXT_CHUNKS } from '../../src/export/SlicedWriter';
import type { HistogramRowSource } from '../../src/store/HistogramTable';

// The text is written as UTF-8 bytes into pooled chunk buffers (see SlicedWriter): what a scraper receives must be the
// same text whatever the names hold, however the chunks fall, and whatever a consumer does with `done`.

interface Renderer {
  replayBytes: number;
  stream(openMetrics: boolean, onChunk: (chunk: Buffer, done: () => void) => void | Promise<void>): Promise<void>;
}
const rendererOf = (perf: Perfkit) => (perf as unknown as { exposition: Renderer }).exposition;

/** Names with every width of UTF-8 (1-4 bytes) and the characters label values escape. */
const NAMES = ['plain', 'ünïcödé', 'モデル読み込み', 'emoji-😀-🚀', 'quote"back\\slash', 'new\nline', 'ǅ-ꙮ-𝄞'];

describe('streamed bytes', () => {
  let perf: Perfkit;
  beforeAll(() => {
    perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', limits: { maxSeriesPerMetric: 100_000 } });
    // About 3,000 series, so that many chunk boundaries fall among multi-byte names.
    for (let i = 0; i < 3_000; i++) perf.operation('download', `${NAMES[i % NAMES.length]}-${i}`).record(0.05 * (i % 9));
  });
  afterAll(() => perf.shutdown());

  it('writes names of every UTF-8 width as their bytes, escaped, in every chunk', async () => {
    const copies: Buffer[] = [];
    await rendererOf(perf).stream(false, (c, done) => {
      copies.push(Buffer.from(c));
      done();
    });
    expect(copies.length).toBeGreaterThan(5);
    const text = Buffer.concat(copies).toString('utf8');
    expect(text).not.toContain('\ufffd'); // no character cut at a chunk boundary
    // Written by hand: the series of `emoji-😀-🚀-3` (record 0.15 s: le 0.25 and above count 1) and of the escaped name.
    expect(text).toContain('perfkit_operation_duration_seconds_bucket{operation_type="download",operation_name="emoji-😀-🚀-3",operation_outcome="success",le="0.25"} 1\n');
    expect(text).toContain('operation_name="quote\\"back\\\\slash-4"');
    expect(text).toContain('operation_name="new\\nline-5"');
    expect(text).toContain('perfkit_operation_duration_seconds_count{operation_type="download",operation_name="ǅ-ꙮ-𝄞-6",operation_outcome="success"} 1\n');
    expect(text).toBe(await perf.metrics());
  });

  it('writes the active-operations line of every kind of handle as bytes: escaped name, overflow, a view without the name', async () => {
    const small = createPerfkit({
      prometheus: { serve: false },
      logLevel: 'none',
      limits: { maxSeriesPerMetric: 3 },
      operationTypes: { indexing: {} },
      views: [{ operationType: 'indexing', attributes: ['operation.type'] }],
    });
    try {
      const running = small.operation('download', 'q"b\\s\nl-ü').start(); // one in flight
      small.operation('download', 'second').record(0.1);
      small.operation('indexing', 'name-dropped-by-the-view').record(0.1);
      small.operation('download', 'fourth-goes-to-overflow').record(0.1);
      const copies: Buffer[] = [];
      await rendererOf(small).stream(false, (c, done) => {
        copies.push(Buffer.from(c));
        done();
      });
      running.end();
      const active = Buffer.concat(copies)
        .toString('utf8')
        .split('\n')
        .filter((l) => l.startsWith('perfkit_operations_active{'));
      expect(active).toEqual([
        'perfkit_operations_active{operation_type="download",operation_name="q\\"b\\\\s\\nl-ü"} 1',
        'perfkit_operations_active{operation_type="download",operation_name="second"} 0',
        'perfkit_operations_active{operation_type="indexing"} 0',
        'perfkit_operations_active{operation_type="download",otel_metric_overflow="true"} 0',
      ]);
    } finally {
      await small.shutdown();
    }
  });

  it('hands both a streaming scraper and perf.metrics() joining it the whole text (the chunks turn from bytes to text)', async () => {
    const renderer = rendererOf(perf);
    const copies: Buffer[] = [];
    let kept: Promise<string> | undefined;
    await renderer.stream(false, (c, done) => {
      copies.push(Buffer.from(c));
      done();
      kept ??= perf.metrics(); // joins after the first chunk: replayed it, then keeps the rest as text
    });
    const whole = await kept!;
    expect(Buffer.concat(copies).toString('utf8')).toBe(whole);
    expect(whole).toBe(await perf.metrics());
    expect(whole).toContain('operation_name="モデル読み込み-2"');
  });

  it('keeps every consumer\'s bytes intact when another calls done twice, throws after done, or never calls it', async () => {
    const renderer = rendererOf(perf);
    renderer.replayBytes = 0;
    try {
      const held: Buffer[] = []; // holds every chunk, calls done only at the end: its bytes must not be reused meanwhile
      const dones: Array<() => void> = [];
      let thrown = 0;
      const scrapes = [
        renderer.stream(false, (c, done) => {
          held.push(c);
          dones.push(done);
        }),
        renderer.stream(false, (_c, done) => {
          done();
          done();
        }),
        renderer.stream(false, (_c, done) => {
          done();
          thrown++;
          throw new Error('consumer broke');
        }),
        renderer.stream(false, () => undefined), // never calls done
      ];
      await Promise.all(scrapes);
      expect(thrown).toBe(1); // a consumer that throws is dropped after its first chunk
      const text = Buffer.concat(held).toString('utf8');
      for (const done of dones) done();
      expect(text).toBe(await perf.metrics());
      // And the pool did not hand one buffer out twice: a later scrape is whole too.
      const again: Buffer[] = [];
      await renderer.stream(false, (c, done) => {
        again.push(Buffer.from(c));
        done();
      });
      expect(Buffer.concat(again).toString('utf8')).toBe(text);
    } finally {
      renderer.replayBytes = 4 * 1024 * 1024;
    }
  });
});

describe('SlicedWriter and histogramText with text longer than a chunk', () => {
  it('hands on a text longer than a whole chunk as a chunk of its own, in order', () => {
    const chunks: string[] = [];
    const w = new SlicedWriter((c) => chunks.push(c.toString()), Infinity, 1024);
    const long = 'é'.repeat(3000); // 6,000 bytes
    w.write('a\n');
    w.write(long);
    w.write('b\n');
    w.flush();
    expect(chunks).toEqual(['a\n', long, 'b\n']);
  });

  it('writes a row whose labels do not fit in a chunk as text, between rows written as bytes', () => {
    const huge = `name="${'x'.repeat(CHUNK_BYTES)}"`;
    const rows: HistogramRowSource = {
      size: 3,
      leSuffix: [',le="1"} ', ',le="+Inf"} '],
      tail: 2,
      copyRow: (row, into) => into.set([row, 1, row + 0.5, row + 1]),
      rowLabels: (row) => (row === 1 ? huge : `r="${row}"`),
    };
    let text = '';
    const w = new SlicedWriter((c) => (text += c.toString()), Infinity, CHUNK_BYTES);
    for (const work = histogramText('x', rows, w); !work.next().done; );
    w.flush();
    expect(text).toBe(
      'x_bucket{r="0",le="1"} 0\nx_bucket{r="0",le="+Inf"} 1\nx_sum{r="0"} 0.5\nx_count{r="0"} 1\n' +
        `x_bucket{${huge},le="1"} 1\nx_bucket{${huge},le="+Inf"} 2\nx_sum{${huge}} 1.5\nx_count{${huge}} 2\n` +
        'x_bucket{r="2",le="1"} 2\nx_bucket{r="2",le="+Inf"} 3\nx_sum{r="2"} 2.5\nx_count{r="2"} 3\n',
    );
  });

  it('writes rows of every label length right: short ones through the row scratch, longer ones from bytes of their own', () => {
    // 4,096 bytes of scratch: a label text of 1,365 UTF-16 units or fewer goes through it, a longer one (up to a
    // chunk) from bytes of its own. Lengths alternate so that views made for one length are never used for another.
    const labels = ['a="1"', `long="${'ü'.repeat(1500)}"`, 'bb="22"', `mid="${'モ'.repeat(400)}"`, 'a="1"', `edge="${'x'.repeat(1356)}"`, `over="${'x'.repeat(1358)}"`];
    const rows: HistogramRowSource = {
      size: labels.length,
      leSuffix: [',le="0.5"} ', ',le="+Inf"} '],
      tail: 2,
      copyRow: (row, into) => into.set([row, 2, row * 0.25, row + 2]),
      rowLabels: (row) => labels[row]!,
    };
    const chunks: Buffer[] = [];
    const w = new SlicedWriter((c) => chunks.push(Buffer.from(c)), Infinity, CHUNK_BYTES);
    for (const work = histogramText('x', rows, w); !work.next().done; );
    w.flush();
    const expected = labels
      .map((l, row) => `x_bucket{${l},le="0.5"} ${row}\nx_bucket{${l},le="+Inf"} ${row + 2}\nx_sum{${l}} ${row * 0.25}\nx_count{${l}} ${row + 2}\n`)
      .join('');
    expect(Buffer.concat(chunks).toString('utf8')).toBe(expected);
  });

  it('writes counts as JavaScript writes numbers, from one digit to fifteen and past', () => {
    const counts = [0, 7, 10, 99, 100, 12345, 999_999_999_999_999, 1e15, 2 ** 53, 0.5, 1e21, NaN, Infinity];
    const rows: HistogramRowSource = {
      size: counts.length,
      leSuffix: [',le="+Inf"} '],
      tail: 1,
      copyRow: (row, into) => into.set([counts[row]!, 0, counts[row]!]),
      rowLabels: () => 'k="v"',
    };
    let text = '';
    const w = new SlicedWriter((c) => (text += c.toString()), Infinity);
    for (const work = histogramText('x', rows, w); !work.next().done; );
    w.flush();
    const written = text.split('\n').filter((l) => l.startsWith('x_count')).map((l) => l.split(' ')[1]);
    expect(written).toEqual(['0', '7', '10', '99', '100', '12345', '999999999999999', '1000000000000000', '9007199254740992', '0.5', '1e+21', 'NaN', 'Infinity']);
  });

  it('gives a buffer back to the pool once, however often it is given', () => {
    const pool = new ChunkPool(1024 * 1024);
    const buf = pool.take(1024);
    pool.give(buf);
    pool.give(buf);
    const a = pool.take(1024);
    const b = pool.take(1024);
    expect(a).toBe(buf);
    expect(b).not.toBe(buf);
  });
});

describe('SlicedWriter text mode (TEXT_CHUNKS)', () => {
  it('gathers text as strings, hands them on at CHUNK_CHARS, and never lends its buffer', () => {
    const chunks: Array<Buffer | string> = [];
    const w = new SlicedWriter((c) => chunks.push(c), Infinity, TEXT_CHUNKS);
    expect(w.textMode).toBe(true);
    const line = 'x'.repeat(1000) + '\n';
    w.write(line);
    expect(w.reserve(10)).toBe(false); // the fast path writes text instead
    expect(chunks).toEqual([]); // and asking handed nothing on (a chunk per row would be a string per row)
    for (let i = 1; i < 70; i++) w.write(line);
    w.flush();
    expect(chunks.every((c) => typeof c === 'string')).toBe(true);
    // Handed on after the line that reached CHUNK_CHARS (65,536): 65 lines are 65,065 characters, 66 are 66,066.
    expect(chunks.map((c) => c.length)).toEqual([66 * 1001, 4 * 1001]);
    expect(CHUNK_CHARS).toBe(64 * 1024);
  });

  it('keeps the order when the shape changes between chunks, text to bytes and back', () => {
    const shapes = [TEXT_CHUNKS, CHUNK_BYTES, TEXT_CHUNKS];
    let asked = 0;
    const chunks: Array<Buffer | string> = [];
    const w = new SlicedWriter((c) => chunks.push(typeof c === 'string' ? c : Buffer.from(c)), Infinity, () => shapes[Math.min(asked++, 2)]!);
    w.write('one\n');
    w.flush(); // the next chunk is bytes
    expect(w.textMode).toBe(false);
    expect(w.reserve(4)).toBe(true);
    w.buf.write('two\n', w.off, 'latin1');
    w.off += 4;
    w.flush(); // then text again
    w.write('three\n');
    w.flush();
    expect(chunks.map((c) => (typeof c === 'string' ? `s:${c}` : `b:${c.toString()}`))).toEqual(['s:one\n', 'b:two\n', 's:three\n']);
  });

  it('writes histogram rows as text in text mode, the same text as bytes', () => {
    const rows: HistogramRowSource = {
      size: 20,
      leSuffix: [',le="1"} ', ',le="+Inf"} '],
      tail: 2,
      copyRow: (row, into) => into.set([row, 1, row + 0.25, row + 1]),
      rowLabels: (row) => `r="${row}",name="ü-${row}"`,
    };
    const render = (shape: number) => {
      const chunks: Array<Buffer | string> = [];
      const w = new SlicedWriter((c) => chunks.push(typeof c === 'string' ? c : Buffer.from(c)), Infinity, shape);
      for (const work = histogramText('x', rows, w); !work.next().done; );
      w.flush();
      return chunks;
    };
    const text = render(TEXT_CHUNKS);
    const bytes = render(CHUNK_BYTES);
    expect(text.every((c) => typeof c === 'string')).toBe(true);
    expect(bytes.every((c) => typeof c !== 'string')).toBe(true);
    expect(text.join('')).toBe(Buffer.concat(bytes as Buffer[]).toString('utf8'));
    expect(text.join('')).toContain('x_bucket{r="19",name="ü-19",le="+Inf"} 20\nx_sum{r="19",name="ü-19"} 19.25\n');
  });
});
