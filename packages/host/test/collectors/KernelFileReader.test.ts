import { spawn } from 'node:child_process';
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

  it('throws EISDIR for a directory from read, closing the descriptor it opened, and gives text from readOptional', () => {
    const { dir, reader, cleanup } = setup();
    try {
      const before = heldDescriptors();
      // open(2) of a directory read-only succeeds; the read then fails.
      expect(() => reader.read(dir)).toThrow(/EISDIR/);
      expect(descriptorsOn(dir)).toBe(0);
      expect(heldDescriptors()).toBe(before);
      writeFileSync(join(dir, 'f'), 'text\n');
      expect(reader.readOptional(join(dir, 'f'))).toBe('text\n');
    } finally {
      cleanup();
    }
  });

  it('releases a held descriptor whose file went away (an exited process\'s /proc/<pid>/stat) and throws as a fresh open does', async () => {
    const { reader, cleanup } = setup();
    const child = spawn('sleep', ['30']);
    try {
      const before = heldDescriptors();
      const stat = `/proc/${child.pid}/stat`;
      // The kernel's own text: `pid (comm) state ...`.
      expect(reader.read(stat)).toMatch(new RegExp(`^${child.pid} \\(sleep\\) `));
      expect(heldDescriptors() - before).toBe(1);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill();
      await exited; // reaped: the held descriptor now reads ESRCH and the path is gone (ENOENT)
      expect(() => reader.read(stat)).toThrow(/ENOENT/);
      expect(reader.size).toBe(0);
      expect(heldDescriptors()).toBe(before);
    } finally {
      child.kill();
      cleanup();
    }
  });

  it('refuses a file over 8 MiB with its path and the limit in the message', () => {
    const { dir, reader, cleanup } = setup();
    try {
      const file = join(dir, 'huge');
      writeFileSync(file, Buffer.alloc(8 * 1024 * 1024 + 1, 'a'));
      expect(() => reader.read(file)).toThrow(`${file} is larger than 8388608 bytes`);
      expect(descriptorsOn(file)).toBe(0);
    } finally {
      cleanup();
    }
  });
});
