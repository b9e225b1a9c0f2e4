import { createPerfkit, type Perfkit } from '@perfkit/core';
import { dashboardPlugin } from '@perfkit/dashboard';
import type { HostSample, NetworkSample } from '@perfkit/host';
import type { HistoryRecorder } from '../../src/history/HistoryRecorder';
import { get } from '../fakeGet';

/**
 * Received and sent bytes per second were the difference of the counters summed over all interfaces. An interface
 * appearing mid-run (a container's veth, a VPN, a Docker bridge) brought its whole cumulative counter into one
 * interval: one spike of hundreds of MB/s on an idle host. One disappearing made the sum go down, which read as "no
 * rate": an empty sample. One interface's counter reset did the same. Each interface is now compared with its own
 * previous counter (a new one adds nothing to this interval, a reset one adds its new value), then summed.
 */
const perfs: Perfkit[] = [];
afterAll(async () => Promise.all(perfs.map((p) => p.shutdown())));

/** An interface as `@perfkit/host` reports it (cumulative counters, as in /proc/net/dev). */
const nic = (name: string, rxBytes: number, txBytes: number): NetworkSample => ({ interface: name, rxBytes, txBytes, rxPackets: 0, txPackets: 0, rxErrors: 0, txErrors: 0, rxDropped: 0, txDropped: 0 });

async function setup() {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  perfs.push(perf);
  let latest: HostSample | undefined;
  // Stands in for @perfkit/host's plug-in: what the dashboard reads is its latest() sample.
  perf.use({ name: 'host', start() {}, latest: () => latest, gpuBackend: () => 'none', lastCollectionAt: () => latest?.at ?? 0 } as never);
  // No timer fires during the test: samples are taken when the test says.
  const dash = perf.use(dashboardPlugin({ sampleIntervalMs: 3_600_000, snapshotIntervalMs: 3_600_000 }));
  await dash.ready();
  const recorder = (dash as unknown as { recorder: HistoryRecorder }).recorder;
  const t0 = Date.now() - 60_000;
  const sample = (seconds: number, network: NetworkSample[] | undefined) => {
    latest = { at: t0 + seconds * 1000, filesystems: [], disks: [], gpus: [], network } as unknown as HostSample;
    recorder.sampleNow();
  };
  const rates = async () => {
    const res = await get(dash.handler, '/api/v1/resources/history?window=1h');
    const body = JSON.parse(res.body);
    return body.t.map((t: number, i: number) => [(t - t0) / 1000, body.values.networkRxBytesPerSecond[i], body.values.networkTxBytesPerSecond[i]]);
  };
  return { sample, rates };
}

describe('network-rate-spikes-when-interfaces-change', () => {
  it('rates each interface against its own previous counter, then sums them', async () => {
    const { sample, rates } = await setup();
    sample(0, [nic('lo', 5e9, 5e9), nic('eth0', 1000, 500)]);
    // docker0 appears with 1 GB received and 2 GB sent before this interval: it adds nothing yet.
    sample(2, [nic('lo', 6e9, 6e9), nic('eth0', 5000, 700), nic('docker0', 1e9, 2e9)]);
    sample(4, [nic('eth0', 9000, 900), nic('docker0', 1e9 + 8000, 2e9 + 800)]);
    // docker0 goes away: eth0's traffic is still a rate.
    sample(6, [nic('eth0', 13_000, 1300)]);
    // eth0's counters go down (the driver was reloaded): a reset, so its increase is its new value; wlan0 is new.
    sample(8, [nic('eth0', 600, 50), nic('wlan0', 300, 30)]);
    sample(10, [nic('eth0', 4600, 450), nic('wlan0', 2300, 230)]);
    expect(await rates()).toEqual([
      [0, null, null],
      [2, 2000, 100], // eth0: (5000 - 1000) / 2, (700 - 500) / 2
      [4, 6000, 500], // eth0 + docker0: (4000 + 8000) / 2, (200 + 800) / 2
      [6, 2000, 200], // eth0: 4000 / 2, 400 / 2
      [8, 300, 25], // eth0 reset: 600 / 2, 50 / 2
      [10, 3000, 300], // eth0 + wlan0: (4000 + 2000) / 2, (400 + 200) / 2
    ]);
  });

  it('leaves out figures that are not numbers, and bridges a sample without network figures', async () => {
    const { sample, rates } = await setup();
    sample(0, [nic('eth0', 1000, 1000), nic('eth1', 1000, 1000)]);
    // eth1's received bytes are unreadable this time; its sent bytes still count.
    sample(2, [nic('eth0', 3000, 3000), { ...nic('eth1', 0, 5000), rxBytes: NaN }]);
    // Nothing on the network this time: unknown, and the next rate spans both intervals.
    sample(4, undefined);
    // Only interfaces with nothing to compare against: unknown, not zero.
    sample(6, [nic('eth0', 7000, 3000), nic('eth1', 2000, 5000)]);
    sample(8, [nic('veth9', 10, 10)]);
    expect(await rates()).toEqual([
      [0, null, null],
      [2, 1000, 3000], // rx: eth0 2000 / 2 (eth1 unreadable); tx: (2000 + 4000) / 2
      [4, null, null],
      [6, 1000, 0], // rx: eth0 (7000 - 3000) / 4, eth1 has no reading at 2 s to compare with; tx: nothing changed
      [8, null, null],
    ]);
  });
});
