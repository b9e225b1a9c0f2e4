/*
 * Bug: when memory.stat had no `total_inactive_file` (v1) / `inactive_file` (v2) line, the working set was the whole
 * usage — cAdvisor's rule (container/libcontainer/handler.go, setMemoryStats: `workingSet := Usage`, minus the
 * inactive file pages only `if v, ok := Stats[inactiveFileKeyName]`), so the figure the kubelet evicts on and
 * perfkit's agree — but the diagnostic line said "figure left out" and the README said such a figure is left out.
 * The figure stays cAdvisor's; the line and the README now say what is reported.
 */
import { join } from 'node:path';
import { cgroupOver } from '../fixtures/fakes';

const MiB = 1024 * 1024;

beforeEach(() => jest.spyOn(process as unknown as { constrainedMemory: () => number | undefined }, 'constrainedMemory').mockReturnValue(undefined));
afterEach(() => jest.restoreAllMocks());

function setup(files: Record<string, string>) {
  return cgroupOver('wss', files);
}

describe('regression: a working set without inactive file pages is the usage, and is said to be', () => {
  it('v1: reports usage as the working set (200 MiB of a 512 MiB limit) and says so, once', () => {
    const { c, lines, dir, cleanup } = setup({
      'memory/memory.limit_in_bytes': '536870912\n',
      'memory/memory.usage_in_bytes': '209715200\n',
      'memory/memory.stat': 'cache 52428800\nrss 104857600\ntotal_rss 104857600\n',
      'memory/memory.failcnt': '0\n',
      'memory/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n',
    });
    try {
      c.collect();
      c.collect();
      expect(c.container!.memory).toMatchObject({ usage: 200 * MiB, workingSet: 200 * MiB, available: 312 * MiB, utilization: 200 / 512, rss: 100 * MiB });
      expect(lines).toEqual([
        `warn: host container: ${join(dir, 'memory', 'memory.stat')}: no readable "total_inactive_file" line; working set reported as the whole usage (as cAdvisor does)`,
      ]);
    } finally {
      cleanup();
    }
  });

  it('v2: the same with `inactive_file` (150 MiB of usage, no limit)', () => {
    const { c, lines, dir, cleanup } = setup({
      'cgroup.controllers': 'cpu memory\n',
      'memory.max': 'max\n',
      'memory.current': '157286400\n',
      'memory.stat': 'anon 104857600\nfile 52428800\n',
      'memory.events': 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n',
    });
    try {
      c.collect();
      expect(c.container!.memory).toMatchObject({ usage: 150 * MiB, workingSet: 150 * MiB, rss: 100 * MiB });
      expect(lines.filter((l) => l.includes('memory.stat'))).toEqual([
        `warn: host container: ${join(dir, 'memory.stat')}: no readable "inactive_file" line; working set reported as the whole usage (as cAdvisor does)`,
      ]);
    } finally {
      cleanup();
    }
  });
});
