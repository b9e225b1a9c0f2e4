import http from 'node:http';

/** A GET through the plug-in's handler, with a request and response that need no socket. */
export function get(handler: (req: http.IncomingMessage, res: http.ServerResponse) => boolean, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    let status = 0;
    const res = {
      destroyed: false,
      headersSent: false,
      writeHead(s: number) {
        status = s;
        return res;
      },
      setHeader() {},
      end(body?: string | Buffer) {
        resolve({ status, body: String(body ?? '') });
      },
    } as unknown as http.ServerResponse;
    const req = Object.assign(new http.IncomingMessage(null as never), { url, method: 'GET', headers: { host: '127.0.0.1' } });
    Object.defineProperty(req, 'socket', { value: { localAddress: '127.0.0.1' } });
    if (!handler(req, res)) resolve({ status: 404, body: '' });
  });
}
