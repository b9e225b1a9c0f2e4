/*
 * Bug: only `lo` was excluded from network interfaces, so a container host reported every veth pair, bridge and
 * ifb mirror next to eth0: the same packets counted two or three times in a sum. Virtual interfaces are now opt-in.
 */
import { fakeProc, startHost, tempDir } from '../fixtures/fakes';

const row = (name: string, bytes: number) => `${name.padStart(8)}: ${bytes} 10 0 0 0 0 0 0 ${bytes} 10 0 0 0 0 0 0`;

describe('regression: virtual interfaces are opt-in', () => {
  const netDev = [
    'Inter-|   Receive                                                |  Transmit',
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
    ...['lo', 'eth0', 'veth1a2b3c', 'docker0', 'br-5f2e', 'ifb0', 'cni0', 'ens5'].map((n, i) => row(n, 1000 * (i + 1))),
    '',
  ].join('\n');
  const groups = { cpu: false, memory: false, filesystem: false, disk: false, process: false, eventLoop: false, gc: false };

  it('reports only the physical interfaces by default', async () => {
    const { dir, cleanup } = tempDir('veth');
    fakeProc(dir, { 'net/dev': netDev });
    const { perf, host } = startHost({ procPath: dir, gpu: false, groups });
    try {
      await host.collectNow();
      expect(host.latest()!.network.map((n) => n.interface)).toEqual(['eth0', 'ens5']);
    } finally {
      await perf.shutdown();
      cleanup();
    }
  });

  it('reports them when the exclude list is narrowed (opt-in)', async () => {
    const { dir, cleanup } = tempDir('veth');
    fakeProc(dir, { 'net/dev': netDev });
    const { perf, host } = startHost({ procPath: dir, gpu: false, groups, interfaces: { exclude: ['lo'] } });
    try {
      await host.collectNow();
      expect(host.latest()!.network.map((n) => n.interface)).toEqual(['eth0', 'veth1a2b3c', 'docker0', 'br-5f2e', 'ifb0', 'cni0', 'ens5']);
    } finally {
      await perf.shutdown();
      cleanup();
    }
  });
});
