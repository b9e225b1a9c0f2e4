/*
 * Bug: /proc/net/dev counters are the kernel's u64 (rtnl_link_stats64), and a busy 100 Gb/s link passes 2^53 bytes
 * (9 PB) in under nine days. The parser took only counters a JavaScript number holds exactly and dropped the whole
 * line otherwise: the interface vanished from latest() and /metrics (its bytes, packets, errors and drops alike).
 * A counter is now read as a float like any other Prometheus sample (exact to 2^53, then to within 1 part in 2^53,
 * 2 KiB at 2^64), and the interface stays. /proc/diskstats had the same rule for its u64 sector counters.
 */
import { fakeProc, startHost, tempDir } from '../fixtures/fakes';

/**
 * eth0 received 2^53 + 1 = 9007199254740993 bytes (a double holds 9007199254740992) and sent 2^64 − 1 =
 * 18446744073709551615 (the largest u64; the double 18446744073709551616); its packet counts are small.
 */
const NET_DEV = [
  'Inter-|   Receive                                                |  Transmit',
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
  '    lo:    5000      50    0    0    0     0          0         0     5000      50    0    0    0     0       0          0',
  '  eth0: 9007199254740993 6000000000 0 7 0 0 0 0 18446744073709551615 5000000000 0 0 0 0 0 0',
  '  eth1:    1000      10    0    0    0     0          0         0     2000      20    0    0    0     0       0          0',
  '',
].join('\n');

/** sdb has read 2^54 + 2 = 18014398509481986 sectors (the double 18014398509481984); 512 bytes each. */
const DISKSTATS = [
  '   8       0 sda 10 0 100 5 4 0 40 2 0 7 7 0 0 0 0 0 0',
  '   8      16 sdb 10 0 18014398509481986 5 4 0 40 2 0 7 7 0 0 0 0 0 0',
  '',
].join('\n');

describe('regression: a counter above 2^53 no longer drops its interface or disk', () => {
  it('keeps eth0 with its counters as floats next to its neighbours', async () => {
    const { dir, cleanup } = tempDir('bignet');
    fakeProc(dir, { 'net/dev': NET_DEV });
    const groups = { cpu: false, memory: false, filesystem: false, disk: false, process: false, eventLoop: false, gc: false, container: false };
    const { perf, host } = startHost({ procPath: dir, gpu: false, groups });
    try {
      await host.collectNow();
      const net = host.latest()!.network;
      expect(net.map((n) => n.interface)).toEqual(['eth0', 'eth1']);
      const eth0 = net[0]!;
      expect(eth0.rxBytes).toBe(9007199254740992);
      expect(eth0.txBytes).toBe(18446744073709551616);
      expect(eth0.rxPackets).toBe(6_000_000_000);
      expect(eth0.txPackets).toBe(5_000_000_000);
      expect(eth0.rxDropped).toBe(7);
      const text = await perf.metrics();
      expect(text).toMatch(/^system_network_io_bytes_total\{network_interface_name="eth0",network_io_direction="receive"\} 9007199254740992\n/m);
      expect(text).toMatch(/^system_network_io_bytes_total\{network_interface_name="eth0",network_io_direction="transmit"\} 18446744073709552000\n/m);
      expect(text).toContain('system_network_io_bytes_total{network_interface_name="eth1",network_io_direction="receive"} 1000\n');
    } finally {
      await perf.shutdown();
      cleanup();
    }
  });

  it('keeps a disk whose sector counter is above 2^53', async () => {
    const { dir, cleanup } = tempDir('bigdisk');
    fakeProc(dir, { diskstats: DISKSTATS, 'block/sda/size': '1\n', 'block/sdb/size': '1\n' });
    const groups = { cpu: false, memory: false, filesystem: false, network: false, process: false, eventLoop: false, gc: false, container: false };
    const { perf, host } = startHost({ procPath: dir, sysPath: dir, gpu: false, groups });
    try {
      await host.collectNow();
      const disks = host.latest()!.disks;
      expect(disks.map((d) => d.device)).toEqual(['sda', 'sdb']);
      expect(disks[1]!.readBytes).toBe(18014398509481984 * 512); // 2^54 × 2^9 = 2^63
      expect(disks[1]!.readBytes).toBe(2 ** 63);
    } finally {
      await perf.shutdown();
      cleanup();
    }
  });
});
