import type { Meter } from '@opentelemetry/api';
import type { CpuCollector } from '../collectors/CpuCollector';
import type { DiskCollector } from '../collectors/DiskCollector';
import type { FilesystemCollector } from '../collectors/FilesystemCollector';
import type { MemoryCollector } from '../collectors/MemoryCollector';
import type { NetworkCollector } from '../collectors/NetworkCollector';
import type { FilesystemSample } from '../types';
import { CPU_MODE_NAMES } from '../collectors/CpuCollector';
import { HOST_ATTR as A } from '../names';
import type { Attributes } from '@opentelemetry/api';
import { AttributeSets } from './AttributeSets';
import { observeGroup } from './observeGroup';

/** One attribute set per value of `key`, made once. */
function setsByValue<K extends string>(key: string, values: readonly K[]): Record<K, Attributes> {
  const out = {} as Record<K, Attributes>;
  for (const v of values) out[v] = { [key]: v };
  return out;
}
const CPU_MODE_ATTRS = setsByValue(A.cpuMode, CPU_MODE_NAMES);
const MEMORY_STATE = setsByValue(A.memoryState, ['used', 'free', 'cached', 'buffers']);
const PAGING_STATE = setsByValue(A.pagingState, ['used', 'free']);

/** system.cpu.* and load average, read from the CPU collector's last sample. */
export function observeCpu(meter: Meter, c: CpuCollector): () => void {
  return observeGroup(meter, ['cpuTime', 'cpuUtilization', 'cpuBusy', 'cpuLogicalCount', 'load1m', 'load5m', 'load15m'], (emit) => {
    const times = c.times;
    if (times) {
      for (const mode of CPU_MODE_NAMES) emit('cpuTime', times.seconds[mode], CPU_MODE_ATTRS[mode]);
      emit('cpuLogicalCount', times.logicalCount);
    }
    const cpu = c.cpu;
    if (cpu) {
      for (const mode of CPU_MODE_NAMES) emit('cpuUtilization', cpu.modes[mode], CPU_MODE_ATTRS[mode]);
      emit('cpuBusy', cpu.utilization);
    }
    emit('load1m', c.load?.one);
    emit('load5m', c.load?.five);
    emit('load15m', c.load?.fifteen);
  });
}

/** system.memory.* and system.paging.*. */
export function observeMemory(meter: Meter, c: MemoryCollector): () => void {
  const keys = ['memoryUsage', 'memoryAvailable', 'memoryLimit', 'memoryUtilization', 'pagingUsage', 'pagingUtilization'] as const;
  return observeGroup(meter, keys, (emit) => {
    const m = c.memory;
    if (m) {
      emit('memoryUsage', m.states.used, MEMORY_STATE.used);
      emit('memoryUsage', m.states.free, MEMORY_STATE.free);
      emit('memoryUsage', m.states.cached, MEMORY_STATE.cached);
      emit('memoryUsage', m.states.buffers, MEMORY_STATE.buffers);
      emit('memoryAvailable', m.available);
      emit('memoryLimit', m.total);
      emit('memoryUtilization', m.utilization);
    }
    const s = c.swap;
    if (s) {
      emit('pagingUsage', s.used, PAGING_STATE.used);
      emit('pagingUsage', s.free, PAGING_STATE.free);
      emit('pagingUtilization', s.utilization);
    }
  });
}

/** system.filesystem.* per mount. */
export function observeFilesystems(meter: Meter, c: FilesystemCollector): () => void {
  const sets = new AttributeSets((f: FilesystemSample) => {
    const base = { [A.device]: f.device, [A.mountpoint]: f.mountpoint, [A.filesystemType]: f.type };
    return { base, used: { ...base, [A.filesystemState]: 'used' }, free: { ...base, [A.filesystemState]: 'free' }, reserved: { ...base, [A.filesystemState]: 'reserved' } };
  });
  return observeGroup(meter, ['filesystemUsage', 'filesystemLimit', 'filesystemUtilization'], (emit) => {
    for (const f of c.filesystems) {
      const a = sets.get(`${f.device}\u0000${f.mountpoint}\u0000${f.type}`, f);
      emit('filesystemUsage', f.used, a.used);
      emit('filesystemUsage', f.free, a.free);
      emit('filesystemUsage', f.reserved, a.reserved);
      emit('filesystemLimit', f.limit, a.base);
      emit('filesystemUtilization', f.utilization, a.base);
    }
    sets.turn();
  });
}

/** system.disk.* per whole disk. */
export function observeDisks(meter: Meter, c: DiskCollector): () => void {
  const sets = new AttributeSets((device: string) => ({
    read: { [A.device]: device, [A.diskDirection]: 'read' },
    write: { [A.device]: device, [A.diskDirection]: 'write' },
    device: { [A.device]: device },
  }));
  return observeGroup(meter, ['diskIo', 'diskOperations', 'diskIoTime', 'diskOperationTime'], (emit) => {
    for (const d of c.disks) {
      const { read, write, device } = sets.get(d.device, d.device);
      emit('diskIo', d.readBytes, read);
      emit('diskIo', d.writeBytes, write);
      emit('diskOperations', d.reads, read);
      emit('diskOperations', d.writes, write);
      emit('diskOperationTime', d.readTimeSeconds, read);
      emit('diskOperationTime', d.writeTimeSeconds, write);
      emit('diskIoTime', d.ioTimeSeconds, device);
    }
    sets.turn();
  });
}

/** system.network.* per interface. */
export function observeNetwork(meter: Meter, c: NetworkCollector): () => void {
  const sets = new AttributeSets((name: string) => ({
    rx: { [A.interface]: name, [A.networkDirection]: 'receive' },
    tx: { [A.interface]: name, [A.networkDirection]: 'transmit' },
  }));
  return observeGroup(meter, ['networkIo', 'networkPackets', 'networkErrors', 'networkDropped'], (emit) => {
    for (const n of c.network) {
      const { rx, tx } = sets.get(n.interface, n.interface);
      emit('networkIo', n.rxBytes, rx);
      emit('networkIo', n.txBytes, tx);
      emit('networkPackets', n.rxPackets, rx);
      emit('networkPackets', n.txPackets, tx);
      emit('networkErrors', n.rxErrors, rx);
      emit('networkErrors', n.txErrors, tx);
      emit('networkDropped', n.rxDropped, rx);
      emit('networkDropped', n.txDropped, tx);
    }
    sets.turn();
  });
}
