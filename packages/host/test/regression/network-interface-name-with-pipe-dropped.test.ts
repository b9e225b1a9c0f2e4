/*
 * Bug: an interface whose name holds a `|` was left out of the network figures without a word. The kernel accepts
 * any name of up to 15 bytes without `/`, `:` or whitespace (net/core/dev.c, dev_valid_name), so
 * `ip link add 'pk|x' type veth peer name pkpeer` works, and /proc/net/dev lists it. The parser skipped every line
 * with a `|` to step over the two header lines — which have no `:`, so the name check alone already skips them.
 */
import { fakeProc, startHost, tempDir } from '../fixtures/fakes';

/** /proc/net/dev as Linux 6.18 printed it with that veth pair up and a ping sent through it (lo and ifb* cut). */
const NET_DEV = [
  'Inter-|   Receive                                                |  Transmit',
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
  '  eth0: 2698118538   94474    0    0    0     0          0         0 16999388   91651    0    0    0     0       0          0',
  'pkpeer:    1046      13    0    0    0     0          0         0     1046      13    0    0    0     0       0          0',
  '  pk|x:    1046      13    0    0    0     0          0         0     1046      13    0    0    0     0       0          0',
  '',
].join('\n');

describe('regression: interface names with a | are reported', () => {
  it('writes the figures of "pk|x" as the kernel printed them, and still skips the header lines', async () => {
    const { dir, cleanup } = tempDir('pipe');
    fakeProc(dir, { 'net/dev': NET_DEV });
    const groups = { cpu: false, memory: false, filesystem: false, disk: false, process: false, eventLoop: false, gc: false, container: false };
    const { perf, host } = startHost({ procPath: dir, gpu: false, groups, interfaces: { include: [], exclude: [] } });
    try {
      await host.collectNow();
      expect(host.latest()!.network.map((n) => n.interface)).toEqual(['eth0', 'pkpeer', 'pk|x']);
      const text = await perf.metrics();
      expect(text).toContain('system_network_io_bytes_total{network_interface_name="pk|x",network_io_direction="receive"} 1046');
      expect(text).toContain('system_network_packet_count_total{network_interface_name="pk|x",network_io_direction="transmit"} 13');
      expect(text).not.toMatch(/network_interface_name="(Inter-|face)/);
    } finally {
      await perf.shutdown();
      cleanup();
    }
  });
});
