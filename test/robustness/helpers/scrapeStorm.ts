import http from 'node:http';
import { parseExposition } from './expositionParser';

/** What a storm of scrapers saw. */
export interface StormResult {
  readonly answers: number;
  readonly failures: string[];
  readonly bytes: number;
  /** One complete text-format body, for promtool. */
  readonly sampleText: string;
}

function get(agent: http.Agent, url: string, openMetrics: boolean): Promise<{ status: number; body: string; contentType: string; declared: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: openMetrics ? { accept: 'application/openmetrics-text; version=1.0.0' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const buffer = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, body: buffer.toString('utf8'), contentType: String(res.headers['content-type']), declared: Number(res.headers['content-length'] ?? buffer.length) });
      });
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error('scrape timed out after 30 s')));
    req.on('error', reject);
  });
}

/**
 * `scrapers` concurrent clients, each scraping `url` back to back for `durationMs` over keep-alive connections
 * (every other one asks for OpenMetrics); every answer must be a 200 whose body is complete and parses strictly.
 */
export async function scrapeStorm(url: string, scrapers: number, durationMs: number): Promise<StormResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: scrapers });
  const failures: string[] = [];
  let answers = 0;
  let bytes = 0;
  let sampleText = '';
  const end = Date.now() + durationMs;
  const scraper = async (index: number) => {
    const openMetrics = index % 2 === 1;
    while (Date.now() < end) {
      try {
        const res = await get(agent, url, openMetrics);
        if (res.status !== 200) throw new Error(`status ${res.status}`);
        if (Buffer.byteLength(res.body) !== res.declared) throw new Error(`incomplete body: ${Buffer.byteLength(res.body)} of ${res.declared} bytes`);
        if (openMetrics !== res.contentType.startsWith('application/openmetrics-text')) throw new Error(`content type ${res.contentType}`);
        parseExposition(res.body, { openMetrics });
        if (!openMetrics) sampleText = res.body;
        answers++;
        bytes += res.declared;
      } catch (err) {
        failures.push(`scraper ${index}: ${(err as Error).message}`);
        if (failures.length > 20) return;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: scrapers }, (_, i) => scraper(i)));
  } finally {
    agent.destroy();
  }
  return { answers, failures, bytes, sampleText };
}
