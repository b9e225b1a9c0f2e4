import { request, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNameFilter } from '../../src/collectors/nameFilter';
import { NetworkCollector } from '../../src/collectors/NetworkCollector';
import { fakeProc, tempDir } from '../fixtures/fakes';

function setup(filter: { include: string[]; exclude: string[] }, procPath = '/proc') {
  return new NetworkCollector(procPath, createNameFilter(filter));
}

describe('NetworkCollector', () => {
  it('sees loopback bytes rise after a local HTTP exchange when lo is included', async () => {
    const server = createServer((_, res) => res.end('x'.repeat(100_000)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const c = setup({ include: ['lo'], exclude: [] });
      await c.collect();
      const before = c.network.find((n) => n.interface === 'lo')!;
      const { port } = server.address() as AddressInfo;
      await new Promise<void>((resolve, reject) => {
        request({ host: '127.0.0.1', port }, (res) => res.resume().on('end', resolve)).on('error', reject).end();
      });
      await c.collect();
      const after = c.network.find((n) => n.interface === 'lo')!;
      expect(after.rxBytes - before.rxBytes).toBeGreaterThanOrEqual(100_000);
      expect(c.network.map((n) => n.interface)).toEqual(['lo']);
    } finally {
      server.close();
    }
  });

  it('leaves lo out by default and reads errors and drops per interface', async () => {
    const { dir, cleanup } = tempDir('net');
    try {
      fakeProc(dir, {
        'net/dev': [
          'Inter-|   Receive                                                |  Transmit',
          ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
          '    lo: 10 1 0 0 0 0 0 0 10 1 0 0 0 0 0 0',
          '  eth0: 1000 10 2 3 0 0 0 0 500 5 4 6 0 0 0 0',
          '  bad0: NaN Infinity -1 0 0 0 0 0 0 0 0 0 0 0 0 0',
          `  ${'w'.repeat(5000)}: 1 1 1 1 0 0 0 0 1 1 1 1 0 0 0 0`,
        ].join('\n'),
      });
      const c = setup({ include: [], exclude: ['lo'] }, dir);
      await c.collect();
      expect(c.network).toEqual([
        { interface: 'eth0', rxBytes: 1000, rxPackets: 10, rxErrors: 2, rxDropped: 3, txBytes: 500, txPackets: 5, txErrors: 4, txDropped: 6 },
      ]);
    } finally {
      cleanup();
    }
  });
});

describe('NetworkCollector before its first collection (mutation testing, issue 18)', () => {
  it('reports no interface', () => {
    expect(setup({ include: [], exclude: [] }).network).toEqual([]);
  });
});
