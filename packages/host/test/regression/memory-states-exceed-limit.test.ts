/*
 * Bug: system.memory.usage states overlapped: used (MemTotal − MemAvailable) counted shared memory (tmpfs,
 * /dev/shm) that cached (Cached) counted too, so the states summed to more than system.memory.limit (82 MiB at
 * rest, 593 MiB after writing 512 MiB to /dev/shm). The semantic conventions want the states to sum to the limit.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { fakeProc, startHost, tempDir } from '../fixtures/fakes';

function states(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^system_memory_usage_bytes\{system_memory_state="(\w+)"\} (\d+)$/gm)) out[m[1]!] = Number(m[2]);
  return out;
}
const limitOf = (text: string) => Number(/^system_memory_limit_bytes (\d+)$/m.exec(text)?.[1]);
const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

describe('regression: memory states sum to the limit', () => {
  it('partitions a /proc/meminfo with 512 MiB of Shmem as worked out by hand', async () => {
    const { dir, cleanup } = tempDir('shm');
    const kB = 1024;
    fakeProc(dir, {
      meminfo: [
        'MemTotal:        8388608 kB',
        'MemFree:         2097152 kB',
        'MemAvailable:    5242880 kB',
        'Buffers:          102400 kB',
        'Cached:          3145728 kB',
        'Shmem:            524288 kB',
        'SReclaimable:     204800 kB',
        'SwapTotal:             0 kB',
        'SwapFree:              0 kB',
        '',
      ].join('\n'),
    });
    const { perf, host } = startHost({ procPath: dir, gpu: false, groups: { cpu: false, filesystem: false, disk: false, network: false, process: false, eventLoop: false, gc: false } });
    try {
      await host.collectNow();
      const text = await perf.metrics();
      // cached = Cached − Shmem + SReclaimable = 3145728 − 524288 + 204800; used = the rest of MemTotal.
      expect(states(text)).toEqual({ used: 3362816 * kB, free: 2097152 * kB, cached: 2826240 * kB, buffers: 102400 * kB });
      expect(sum(states(text))).toBe(limitOf(text));
      // Utilization is still MemTotal − MemAvailable over MemTotal.
      expect(text).toMatch(/^system_memory_utilization_ratio 0\.375$/m);
    } finally {
      await perf.shutdown();
      cleanup();
    }
  });

  it('sums to MemTotal on this machine while 64 MiB sit in /dev/shm', async () => {
    const file = `/dev/shm/perfkit-regression-${process.pid}`;
    writeFileSync(file, Buffer.alloc(64 * 1024 * 1024, 1));
    const { perf, host } = startHost({ gpu: false, groups: { cpu: false, filesystem: false, disk: false, network: false, process: false, eventLoop: false, gc: false } });
    try {
      await host.collectNow();
      const text = await perf.metrics();
      expect(Object.keys(states(text)).sort()).toEqual(['buffers', 'cached', 'free', 'used']);
      expect(sum(states(text))).toBe(limitOf(text));
    } finally {
      rmSync(file, { force: true });
      await perf.shutdown();
    }
  });
});
