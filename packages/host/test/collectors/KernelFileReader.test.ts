import { readFileSync, readlinkSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { heldDescriptors, KernelFileReader } from '../../src/collectors/KernelFileReader';
import { tempDir } from '../fixtures/fakes';

function setup() {
  const { dir, cleanup } = tempDir('kernel-files');
  const reader = new KernelFileReader();
  return { dir, reader, cleanup: () => (reader.close(), cleanup()) };
}

/** Descriptors of this process pointing at `path`, by the kernel's own links. */
function descriptorsOn(path: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) n++;
    } catch {
      // readdir's own descriptor, closed already
    }
  }
  return n;
}

describe('KernelFileReader', () => {
  it('reads a kernel file afresh on every call through one held descriptor', async () => {
    const { reader, cleanup } = setup();
    try {
      const first = reader.read('/proc/uptime');
      await new Promise((r) => setTimeout(r, 30));
      const second = reader.read('/proc/uptime');
      // /proc/uptime's first field is seconds since boot with two decimals: 30 ms later it has moved on.
      expect(Number(second.split(' ')[0])).toBeGreaterThan(Number(first.split(' ')[0]));
      expect(descriptorsOn('/proc/uptime')).toBe(1);
      expect(reader.size).toBe(1);
    } finally {
      cleanup();
    }
    expect(descriptorsOn('/proc/uptime')).toBe(0);
  });

  it('returns what readFileSync returns, for a file larger than its first buffer', () => {
    const { dir, reader, cleanup } = setup();
    try {
      const file = join(dir, 'big');
      const text = 'cpu0 1 2 3 4\n'.repeat(20_000) + 'ü\n';
      writeFileSync(file, text);
      expect(reader.read(file)).toBe(readFileSync(file, 'utf8'));
      // Rewritten in place (same inode), shorter: the held descriptor sees the new text only.
      writeFileSync(file, 'short\n');
      expect(reader.read(file)).toBe('short\n');
      expect(reader.read('/proc/self/mountinfo')).toBe(readFileSync('/proc/self/mountinfo', 'utf8'));
    } finally {
      cleanup();
    }
  });

  it('throws ENOENT for a missing file, gives undefined from readOptional and holds nothing for it', () => {
    const { dir, reader, cleanup } = setup();
    try {
      const before = heldDescriptors();
      expect(() => reader.read(join(dir, 'absent'))).toThrow(/ENOENT/);
      expect(reader.readOptional(join(dir, 'absent'))).toBeUndefined();
      expect(reader.readOptional(dir)).toBeUndefined();
      expect(heldDescriptors()).toBe(before);
      expect(reader.size).toBe(0);
    } finally {
      cleanup();
    }
  });

  it('counts its descriptors in heldDescriptors() and gives them all back on close, staying usable', () => {
    const { dir, reader, cleanup } = setup();
    try {
      const before = heldDescriptors();
      for (const name of ['a', 'b', 'c']) writeFileSync(join(dir, name), name);
      for (const name of ['a', 'b', 'c', 'a']) reader.read(join(dir, name));
      expect(heldDescriptors() - before).toBe(3);
      reader.close();
      reader.close();
      expect(heldDescriptors()).toBe(before);
      expect(descriptorsOn(join(dir, 'a'))).toBe(0);
      expect(reader.read(join(dir, 'b'))).toBe('b');
      rmSync(join(dir, 'b'));
    } finally {
      cleanup();
    }
  });
});
