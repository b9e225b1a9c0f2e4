import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupMode } from '../types';
import { parseProcCgroup } from './cgroupfs';
import { parseMountinfo } from './procfs';

/** Where the process's cgroup files are, per controller. */
export interface CgroupLayout {
  readonly mode: CgroupMode;
  /** The memory controller's directory and hierarchy version. */
  readonly memory?: { readonly version: 1 | 2; readonly dir: string; readonly top: string };
  /** The cpu controller (quota, throttling). */
  readonly cpu?: { readonly version: 1 | 2; readonly dir: string; readonly top: string };
  /** v1 cpuacct (CPU time); v2 reads cpu.stat usage_usec from `unified`. */
  readonly cpuacct?: string;
  /** The process's v2 directory (pressure files, cpu.stat) when a unified hierarchy is mounted; `top` is its mount. */
  readonly unified?: { readonly dir: string; readonly top: string; readonly isRoot: boolean };
}

interface MountLike {
  readonly mountpoint: string;
  readonly root: string;
}

function resolveDir(mount: MountLike, path: string): string {
  // Without a cgroup namespace the mount root is `/` and the path is relative to it; with one (or a bind-mounted
  // cgroup directory in a v1 container) the path may already be the mount itself.
  if (path === mount.root || path.startsWith(mount.root.endsWith('/') ? mount.root : `${mount.root}/`)) {
    const candidate = join(mount.mountpoint, path.slice(mount.root.length));
    if (existsSync(candidate)) return candidate;
  }
  const direct = join(mount.mountpoint, path);
  return existsSync(direct) ? direct : mount.mountpoint;
}

function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Finds the process's cgroup: `/proc/self/cgroup` for its path in each hierarchy, `/proc/self/mountinfo` for where
 * each hierarchy is mounted (cgroup2 for the unified one; cgroup with `memory`, `cpu`, `cpuacct` in its super options
 * for v1). A controller bound to a v1 hierarchy is read there; otherwise from the unified hierarchy when its
 * `cgroup.controllers` lists it. v1 controllers next to a mounted unified hierarchy is the hybrid layout (systemd's
 * default before v2-only). `explicitRoot` (option `cgroupPath`) skips discovery: a v2 directory, or a directory with
 * v1 controller subdirectories (`memory/`, `cpu/`, `cpuacct/`).
 */
export function detectCgroup(procPath: string, explicitRoot?: string): CgroupLayout {
  if (explicitRoot) {
    if (existsSync(join(explicitRoot, 'cgroup.controllers')) || existsSync(join(explicitRoot, 'memory.current')) || existsSync(join(explicitRoot, 'memory.max'))) {
      const top = explicitRoot;
      return { mode: 'v2', memory: { version: 2, dir: explicitRoot, top }, cpu: { version: 2, dir: explicitRoot, top }, unified: { dir: explicitRoot, top, isRoot: false } };
    }
    const sub = (name: string) => (existsSync(join(explicitRoot, name)) ? join(explicitRoot, name) : undefined);
    const memory = sub('memory');
    const cpu = sub('cpu') ?? sub('cpu,cpuacct');
    const cpuacct = sub('cpuacct') ?? sub('cpu,cpuacct');
    return {
      mode: memory || cpu ? 'v1' : 'none',
      memory: memory ? { version: 1, dir: memory, top: memory } : undefined,
      cpu: cpu ? { version: 1, dir: cpu, top: cpu } : undefined,
      cpuacct,
    };
  }
  const lines = parseProcCgroup(readOptional(join(procPath, 'self', 'cgroup')) ?? '');
  const mounts = parseMountinfo(readOptional(join(procPath, 'self', 'mountinfo')) ?? '');
  const v1 = new Map<string, { dir: string; top: string }>();
  let unified: { dir: string; top: string; isRoot: boolean } | undefined;
  for (const m of mounts) {
    if (m.type === 'cgroup2') {
      const line = lines.find((l) => l.id === '0' && l.controllers.length === 0);
      if (line && !unified) {
        const dir = resolveDir(m, line.path);
        unified = { dir, top: m.mountpoint, isRoot: isRootCgroup(dir, 2) };
      }
    } else if (m.type === 'cgroup') {
      const controllers = m.superOptions.split(',');
      for (const c of ['memory', 'cpu', 'cpuacct']) {
        if (!controllers.includes(c) || v1.has(c)) continue;
        const line = lines.find((l) => l.controllers.includes(c));
        if (line) v1.set(c, { dir: resolveDir(m, line.path), top: m.mountpoint });
      }
    }
  }
  const v2Controllers = new Set((unified ? readOptional(join(unified.dir, 'cgroup.controllers')) ?? '' : '').trim().split(/\s+/));
  // A process in the root cgroup is in no container: the root's figures are the whole host's (already reported as
  // system.*), so that controller's container figures are left out rather than duplicated under container.*.
  const isRoot = (one: { dir: string }) => isRootCgroup(one.dir, 1);
  const pick = (c: 'memory' | 'cpu') => {
    const one = v1.get(c);
    if (one) return isRoot(one) ? undefined : { version: 1 as const, ...one };
    if (unified && v2Controllers.has(c) && !unified.isRoot) return { version: 2 as const, dir: unified.dir, top: unified.top };
    return undefined;
  };
  const memory = pick('memory');
  const cpu = pick('cpu');
  const usesV1 = v1.size > 0;
  const mode: CgroupMode = usesV1 && unified ? 'hybrid' : usesV1 ? 'v1' : unified ? 'v2' : 'none';
  const cpuacct = v1.get('cpuacct');
  return { mode, memory, cpu, cpuacct: cpuacct && !isRoot(cpuacct) ? cpuacct.dir : undefined, unified };
}

/**
 * Whether `dir` is a hierarchy's root cgroup. Not "the mount point": inside a container with a cgroup namespace or a
 * bind-mounted cgroup directory, the mount point is the container's own cgroup. The kernel marks the root instead:
 * v1 has `release_agent` only there (cgroup-v1/cgroups.rst), v2 has `cgroup.type` everywhere but there
 * (cgroup-v2.rst, "Core Interface Files").
 */
export function isRootCgroup(dir: string, version: 1 | 2): boolean {
  return version === 1 ? existsSync(join(dir, 'release_agent')) : !existsSync(join(dir, 'cgroup.type'));
}

/** Why `cgroupPath` gave no cgroup: it is missing, not a directory, unreadable, or holds neither layout's files. */
export function explicitRootProblem(dir: string): string {
  try {
    if (!statSync(dir).isDirectory()) return 'not a directory';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'not a directory (a path component is a file)' : `cannot be read (${code ?? String(err)})`;
  }
  return 'a directory with neither cgroup v2 files (cgroup.controllers, memory.current, memory.max) nor a v1 memory/, cpu/ or cpu,cpuacct/ directory';
}
