import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DiagLogger } from '../diag';
import { PerfkitError } from '../errors';
import zlib from 'node:zlib';
import { negotiateFormat } from './negotiate';

/**
 * Streams the exposition text chunk by chunk, as UTF-8 bytes; `openMetrics` selects the format. Resolves when
 * complete. `onChunk` calls `done` once it no longer reads the chunk (its buffer is then reused); a promise it returns
 * asks the producer to wait until it settles.
 */
export type ScrapeFn = (openMetrics: boolean, onChunk: (chunk: Buffer, done: () => void) => void | Promise<void>) => Promise<void>;

/** Whether a request's Accept header asks for OpenMetrics (q-values and case honoured; see {@link negotiateFormat}). */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  return negotiateFormat(accept).openMetrics;
}

/** Whether an `Accept-Encoding` header accepts gzip (`gzip;q=0` refuses it). */
export function acceptsGzip(header: unknown): boolean {
  if (typeof header !== 'string' || header.length > 4096) return false;
  for (const part of header.split(',')) {
    const [coding, ...params] = part.split(';');
    const name = coding!.trim().toLowerCase();
    if (name !== 'gzip' && name !== 'x-gzip') continue;
    const q = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

/**
 * Serves `/metrics`, either on its own port or through {@link PrometheusEndpoint.handler} mounted on the
 * user's server. Answers GET and HEAD; negotiates the format from the Accept header; streams the text (gzipped
 * when the scraper accepts gzip, as Prometheus always does) as it is produced.
 */
export class PrometheusEndpoint {
  private server?: http.Server;
  private shutDown = false;

  constructor(
    private readonly scrape: ScrapeFn,
    private readonly path: string,
    private readonly diag: DiagLogger,
  ) {}

  /** After this, every scrape is answered 503 with a one-line body (logged once). */
  markShutDown(): void {
    this.shutDown = true;
  }

  /** A `(req, res)` handler that answers with the metrics, whatever the request's path. */
  readonly handler = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    if (this.shutDown) {
      if (!this.saidShutDown) this.diag.info('a scrape arrived after shutdown(); answering 503');
      this.saidShutDown = true;
      res.writeHead(503, { 'content-type': 'text/plain' }).end('perfkit has shut down\n');
      return;
    }
    const format = negotiateFormat(req.headers.accept);
    const gzip = acceptsGzip(req.headers['accept-encoding']);
    const headers: http.OutgoingHttpHeaders = { 'content-type': format.contentType, vary: 'Accept, Accept-Encoding' };
    if (gzip) headers['content-encoding'] = 'gzip';
    if (req.method === 'HEAD') {
      res.writeHead(200, headers).end();
      return;
    }
    let sink: NodeJS.WritableStream | undefined;
    const open = (): NodeJS.WritableStream => {
      res.writeHead(200, headers);
      if (!gzip) return res;
      const z = zlib.createGzip();
      z.on('error', (err) => res.destroy(err));
      z.pipe(res);
      return z;
    };
    // A stream over its buffer asks the renderer to wait until it drained (or the response is gone): the text is not
    // piled up in memory faster than the scraper (or gzip) takes it.
    let drained: Promise<void> | undefined;
    const write = (chunk: Buffer, done: () => void): Promise<void> | undefined => {
      const s = (sink ??= open());
      // The callback runs once gzip has compressed the chunk or the socket has taken it: its buffer can be reused.
      if (s.write(chunk, done) || res.destroyed) return undefined;
      // One wait for the next 'drain', however many chunks a slice wrote before it.
      return (drained ??= new Promise<void>((resolve) => {
        const done = () => {
          s.removeListener('drain', done);
          res.removeListener('close', done);
          drained = undefined;
          resolve();
        };
        s.once('drain', done);
        res.once('close', done);
      }));
    };
    this.scrape(format.openMetrics, write).then(
      () => (sink ?? open()).end(),
      (err: unknown) => {
        this.diag.error('scrape failed', err);
        if (sink) {
          res.destroy(); // a truncated body must not pass for a complete scrape
          return;
        }
        res.writeHead(500, { 'content-type': 'text/plain' }).end('scrape failed\n');
      },
    );
  };
  private saidShutDown = false;
  /**
   * Rejects the listen still in progress. `server.close()` before the server listens cancels the listen with neither an
   * 'error' nor a 'listening' event, so without it `ready()` never settled after a `shutdown()` during start-up.
   */
  private abortListen?: (err: Error) => void;

  /**
   * Starts the endpoint's own server; rejects with `PERFKIT_ERR_PORT_IN_USE` when the port is taken. `exclusive`
   * binds the port in this process even in a `node:cluster` worker (else the primary shares one socket among the
   * workers that ask for the same port, and scrapes go round-robin).
   */
  listen(host: string, port: number, exclusive = false): Promise<AddressInfo> {
    const server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === this.path) return this.handler(req, res);
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found; metrics are at ${this.path}\n`);
    });
    server.keepAliveTimeout = 65_000;
    this.server = server;
    return new Promise((resolve, reject) => {
      this.abortListen = reject;
      server.once('error', (err: NodeJS.ErrnoException) => {
        this.server = undefined;
        this.abortListen = undefined;
        reject(
          err.code === 'EADDRINUSE'
            ? new PerfkitError('PERFKIT_ERR_PORT_IN_USE', { host, port }, { cause: err })
            : new PerfkitError('PERFKIT_ERR_LISTEN', { host, port, detail: err.message }, { cause: err }),
        );
      });
      server.listen({ port, host, exclusive }, () => {
        this.abortListen = undefined;
        if (this.server !== server) return void server.close(); // closed meanwhile: a Node that listened anyway
        server.unref();
        server.on('error', (err) => this.diag.error('metrics server error', err));
        resolve(server.address() as AddressInfo);
      });
    });
  }

  /** Stops the server (idempotent); a listen still in progress rejects with `PERFKIT_ERR_SHUT_DOWN`. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.abortListen?.(new PerfkitError('PERFKIT_ERR_SHUT_DOWN', { detail: 'shutdown() was called before the metrics server listened' }));
    this.abortListen = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
