/*
 * Bug: when memory.stat had no `total_inactive_file` (v1) / `inactive_file` (v2) line, the diagnostic line said
 * "working set reported as the whole usage" even when the usage file (memory.usage_in_bytes / memory.current) was
 * missing or unreadable too, and then there was no working set at all (nor available memory or utilization). The line
 * now says the working set is left out, and why.
 */
import { join } from 'node:path';
import { cgroupOver } from '../fixtures/fakes';

beforeEach(() => jest.spyOn(process as unknown as { constrainedMemory: () => number | undefined }, 'constrainedMemory').mockReturnValue(undefined));
afterEach(() => jest.restoreAllMocks());

function setup(files: Record<string, string>) {
  return cgroupOver('wss-nousage', files);
}

describe('regression: no usage and no inactive file pages is said as "working set left out"', () => {
  it('v1: memory.usage_in_bytes missing, memory.stat without total_inactive_file', () => {
    const { c, lines, dir, cleanup } = setup({
      'memory/memory.limit_in_bytes': '536870912\n',
      'memory/memory.stat': 'cache 52428800\nrss 104857600\ntotal_rss 104857600\n',
      'memory/memory.failcnt': '0\n',
      'memory/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n',
    });
    try {
      c.collect();
      c.collect();
      expect(c.container!.memory).toMatchObject({ limit: 512 * 1024 * 1024, usage: undefined, workingSet: undefined, available: undefined, utilization: undefined });
      expect(lines.filter((l) => l.includes('memory.stat'))).toEqual([
        `warn: host container: ${join(dir, 'memory', 'memory.stat')}: no readable "total_inactive_file" line; working set left out (memory.usage_in_bytes unreadable too)`,
      ]);
      expect(lines.some((l) => l.includes('whole usage'))).toBe(false);
    } finally {
      cleanup();
    }
  });

  it('v2: memory.current garbage, memory.stat without inactive_file', () => {
    const { c, lines, dir, cleanup } = setup({
      'cgroup.controllers': 'cpu memory\n',
      'memory.max': 'max\n',
      'memory.current': 'lots\n',
      'memory.stat': 'anon 104857600\nfile 52428800\n',
      'memory.events': 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n',
    });
    try {
      c.collect();
      expect(c.container!.memory).toMatchObject({ usage: undefined, workingSet: undefined, rss: 100 * 1024 * 1024 });
      expect(lines.filter((l) => l.includes('memory.stat'))).toEqual([
        `warn: host container: ${join(dir, 'memory.stat')}: no readable "inactive_file" line; working set left out (memory.current unreadable too)`,
      ]);
    } finally {
      cleanup();
    }
  });
});
