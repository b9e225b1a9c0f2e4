import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DiagLogger } from '../diag';
import { PerfkitError } from '../errors';
import { OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE } from './PrometheusSerializer';

/** Produces the exposition text; `openMetrics` selects the format. */
export type ScrapeFn = (openMetrics: boolean) => Promise<string>;

/** Whether a request's Accept header asks for OpenMetrics. */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  return typeof accept === 'string' && accept.includes('application/openmetrics-text');
}

/**
 * Serves `/metrics`, either on its own port or through {@link PrometheusEndpoint.handler} mounted on the
 * user's server. Answers GET and HEAD; negotiates OpenMetrics from the Accept header.
 */
export class PrometheusEndpoint {
  private server?: http.Server;

  constructor(
    private readonly scrape: ScrapeFn,
    private readonly path: string,
    private readonly diag: DiagLogger,
  ) {}

  /** A `(req, res)` handler that answers with the metrics, whatever the request's path. */
  readonly handler = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    const openMetrics = wantsOpenMetrics(req.headers.accept);
    this.bodyForThisTurn(openMetrics).then(
      (bytes) => {
        res.writeHead(200, {
          'content-type': openMetrics ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE,
          'content-length': bytes.length,
        });
        res.end(req.method === 'HEAD' ? undefined : bytes);
      },
      (err: unknown) => {
        this.diag.error('scrape failed', err);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('scrape failed\n');
      },
    );
  };

  // Node answers every request that is ready in one poll phase before timers run again, so 50 scrapers
  // arriving together would cost 50 serializations and UTF-8 encodings in one event-loop turn. Requests of one
  // turn share one encoded body per format instead (they ask for the same instant anyway).
  private readonly turnBodies: Array<Promise<Buffer> | undefined> = [undefined, undefined];

  private bodyForThisTurn(openMetrics: boolean): Promise<Buffer> {
    const slot = openMetrics ? 1 : 0;
    let body = this.turnBodies[slot];
    if (body === undefined) {
      const pending = (body = this.scrape(openMetrics).then((text) => Buffer.from(text, 'utf8')));
      this.turnBodies[slot] = pending;
      setImmediate(() => {
        if (this.turnBodies[slot] === pending) this.turnBodies[slot] = undefined;
      }).unref();
    }
    return body;
  }

  /** Starts the endpoint's own server; rejects with `PERFKIT_ERR_PORT_IN_USE` when the port is taken. */
  listen(host: string, port: number): Promise<AddressInfo> {
    const server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === this.path) return this.handler(req, res);
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found; metrics are at ${this.path}\n`);
    });
    server.keepAliveTimeout = 65_000;
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        this.server = undefined;
        reject(
          err.code === 'EADDRINUSE'
            ? new PerfkitError('PERFKIT_ERR_PORT_IN_USE', { host, port }, { cause: err })
            : new PerfkitError('PERFKIT_ERR_LISTEN', { host, port, detail: err.message }, { cause: err }),
        );
      });
      server.listen(port, host, () => {
        server.unref();
        server.on('error', (err) => this.diag.error('metrics server error', err));
        resolve(server.address() as AddressInfo);
      });
    });
  }

  /** Stops the server (idempotent). */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
