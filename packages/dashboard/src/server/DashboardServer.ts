import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DashboardError } from '../errors';

/** The dashboard's own HTTP server, for when it is not mounted on the application's. */
export class DashboardServer {
  private readonly server: http.Server;
  private closing?: Promise<void>;

  constructor(handler: (req: IncomingMessage, res: ServerResponse) => boolean) {
    this.server = http.createServer((req, res) => {
      if (!handler(req, res)) {
        res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ error: { code: 'not_found', message: `no route ${String(req.url).slice(0, 128)}` } }));
      }
    });
    this.server.keepAliveTimeout = 5000;
  }

  /** Listens; rejects with a coded error when the port is taken or the address is wrong. */
  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        const code = err.code === 'EADDRINUSE' ? 'PERFKIT_ERR_DASHBOARD_PORT_IN_USE' : 'PERFKIT_ERR_DASHBOARD_LISTEN';
        reject(new DashboardError(code, { host, port, detail: err.message }, { cause: err }));
      };
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        this.server.unref();
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Closes the server and its idle connections; idempotent. */
  close(): Promise<void> {
    return (this.closing ??= new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    }));
  }
}
