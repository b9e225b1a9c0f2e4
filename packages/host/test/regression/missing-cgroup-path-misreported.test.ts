/*
 * Bug: a `cgroupPath` (option or PERFKIT_HOST_CGROUP_PATH) that does not exist, is a file, or holds no cgroup files
 * was reported as "no cgroup hierarchy found in /proc/self/cgroup and mountinfo", a file perfkit had not even read
 * with that option set: the operator was sent looking at the wrong thing. The diagnostic now names the path and
 * what is wrong with it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHost, tempDir } from '../fixtures/fakes';

const groups = { cpu: false, memory: false, filesystem: false, disk: false, network: false, process: false, eventLoop: false, gc: false };

async function warningsFor(cgroupPath: string): Promise<{ container: string[]; mode: string | undefined }> {
  const { perf, host, lines } = startHost({ gpu: false, groups, cgroupPath, intervalMs: 3_600_000 });
  try {
    await host.collectNow();
    return { container: lines.filter((l) => l.startsWith('warn: host container')), mode: host.latest()?.container?.mode };
  } finally {
    await perf.shutdown();
  }
}

describe('regression: a cgroupPath that is not a cgroup directory is named in the diagnostic', () => {
  it('says the path does not exist', async () => {
    const { dir, cleanup } = tempDir('cgpath');
    try {
      const missing = join(dir, 'no-such-cgroup');
      const { container, mode } = await warningsFor(missing);
      expect(mode).toBe('none');
      expect(container).toEqual([expect.stringContaining(`cgroupPath ${missing}: does not exist`)]);
      expect(container.join('\n')).not.toContain('/proc/self/cgroup');
    } finally {
      cleanup();
    }
  });

  it('says the path is not a directory', async () => {
    const { dir, cleanup } = tempDir('cgpath');
    try {
      const file = join(dir, 'memory.max');
      writeFileSync(file, 'max\n');
      expect((await warningsFor(file)).container).toEqual([expect.stringContaining(`cgroupPath ${file}: not a directory`)]);
    } finally {
      cleanup();
    }
  });

  it('says what an existing directory lacks', async () => {
    const { dir, cleanup } = tempDir('cgpath');
    try {
      const empty = join(dir, 'empty');
      mkdirSync(empty);
      const [line] = (await warningsFor(empty)).container;
      expect(line).toContain(`cgroupPath ${empty}: `);
      expect(line).toMatch(/cgroup\.controllers/);
      expect(line).toMatch(/memory\/, cpu\/ or cpu,cpuacct\//);
    } finally {
      cleanup();
    }
  });
});
