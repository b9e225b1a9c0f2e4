import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// The scraper runs in a child process, so that only the serving side's turns run on the measured event loop (a
// client in the same process would add its own turns: parsing, gunzipping 200 MB). It asks for gzip as Prometheus
// does unless told `identity` (its first argument).
const CLIENT = `
const http = require('node:http'), zlib = require('node:zlib'), rl = require('node:readline');
const encoding = process.argv[1] || 'gzip';
rl.createInterface({ input: process.stdin }).on('line', (url) => {
  http.get(url, { headers: { 'accept-encoding': encoding, accept: 'text/plain;version=0.0.4' } }, (res) => {
    let bytes = 0;
    const body = res.headers['content-encoding'] === 'gzip' ? res.pipe(zlib.createGunzip()) : res;
    body.on('data', (c) => (bytes += c.length)).on('end', () => process.stdout.write(res.statusCode + ' ' + bytes + '\\n'));
  }).on('error', (e) => process.stdout.write('error ' + e.message + '\\n'));
});
process.stdout.write('ready\\n');
`;

/**
 * Serves `handler` on a local port and scrapes it from a child process as Prometheus does (gzip, text format), or
 * uncompressed with `encoding: 'identity'`.
 */
export class HttpScraper {
  private constructor(
    private readonly server: http.Server,
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly url: string,
    private readonly lines: AsyncIterator<string>,
  ) {}

  static async start(handler: (req: IncomingMessage, res: ServerResponse) => void, options: { encoding?: 'gzip' | 'identity' } = {}): Promise<HttpScraper> {
    const server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    const child = spawn(process.execPath, ['-e', CLIENT, options.encoding ?? 'gzip'], { stdio: 'pipe' });
    const scraper = new HttpScraper(server, child, url, readLines(child)[Symbol.asyncIterator]());
    if ((await scraper.lines.next()).value !== 'ready') throw new Error('the scraping child did not start');
    return scraper;
  }

  /** One scrape; resolves with the uncompressed body's length in bytes. */
  async scrape(): Promise<number> {
    this.child.stdin.write(`${this.url}\n`);
    const { value } = await this.lines.next();
    const [status, bytes] = String(value).split(' ');
    if (status !== '200') throw new Error(`HTTP scrape failed: ${String(value)}`);
    return Number(bytes);
  }

  async close(): Promise<void> {
    this.child.stdin.end();
    this.child.kill();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function* readLines(child: ChildProcessWithoutNullStreams): AsyncGenerator<string> {
  let pending = '';
  for await (const data of child.stdout) {
    pending += String(data);
    let at: number;
    while ((at = pending.indexOf('\n')) >= 0) {
      yield pending.slice(0, at);
      pending = pending.slice(at + 1);
    }
  }
}
