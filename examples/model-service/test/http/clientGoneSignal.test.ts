import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { clientGoneSignal } from '../../src/http/clientGoneSignal';

/** A server whose handler is `handle`; `url` once it listens. */
async function setup(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const server = http.createServer(handle);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  };
  return { server, url, close };
}

/** Sends a request on a connection of its own and destroys it once the server has it. */
function requestThenLeave(url: string, serverSide: Promise<unknown>): void {
  const client = http.request(url, { agent: false });
  client.on('error', () => undefined);
  client.end();
  void serverSide.then(() => client.destroy());
}

describe('clientGoneSignal', () => {
  it('aborts with CLIENT_DISCONNECTED when the client leaves before the response, and the listener goes with it', async () => {
    let res!: http.ServerResponse;
    let signal!: AbortSignal;
    const { server, url, close } = await setup((_req, r) => {
      res = r;
      signal = clientGoneSignal(r);
    });
    try {
      const arrived = once(server, 'request');
      requestThenLeave(url, arrived);
      await arrived;
      expect(signal.aborted).toBe(false);
      await once(signal, 'abort');
      expect(signal.reason).toMatchObject({ name: 'ModelServiceError', code: 'CLIENT_DISCONNECTED' });
      expect(res.listenerCount('close')).toBe(0);
    } finally {
      await close();
    }
  });

  it('is already aborted when made after the client left', async () => {
    const { server, url, close } = await setup(() => undefined);
    try {
      const arrived = once(server, 'request') as Promise<[http.IncomingMessage, http.ServerResponse]>;
      requestThenLeave(url, arrived);
      const [, res] = await arrived;
      await once(res, 'close');
      const signal = clientGoneSignal(res);
      expect(signal.aborted).toBe(true);
      expect(signal.reason).toMatchObject({ code: 'CLIENT_DISCONNECTED' });
    } finally {
      await close();
    }
  });

  it('never aborts for answered requests, and 50 of them on one keep-alive connection add no listener to it', async () => {
    const signals: AbortSignal[] = [];
    const responses: http.ServerResponse[] = [];
    const sockets = new Set<Socket>();
    const { url, close } = await setup((req, res) => {
      signals.push(clientGoneSignal(res));
      responses.push(res);
      sockets.add(req.socket);
      res.end('ok');
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const get = () =>
        new Promise<void>((resolve, reject) => http.get(url, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject));
      await get();
      const [socket] = [...sockets] as [Socket];
      const baseline = { close: socket.listenerCount('close'), end: socket.listenerCount('end'), error: socket.listenerCount('error') };
      for (let i = 0; i < 50; i++) await get();
      const last = responses[50]!;
      if (!last.closed) await once(last, 'close');
      expect(sockets.size).toBe(1);
      expect({ close: socket.listenerCount('close'), end: socket.listenerCount('end'), error: socket.listenerCount('error') }).toEqual(baseline);
      expect(signals.filter((s) => s.aborted)).toHaveLength(0);
      expect(responses.map((r) => r.listenerCount('close'))).toEqual(Array(51).fill(0));
    } finally {
      agent.destroy();
      await close();
    }
  });
});
