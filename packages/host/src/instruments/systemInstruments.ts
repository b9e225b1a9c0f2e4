import type { Meter } from '@opentelemetry/api';
import type { CpuCollector } from '../collectors/CpuCollector';
import type { DiskCollector } from '../collectors/DiskCollector';
import type { FilesystemCollector } from '../collectors/FilesystemCollector';
import type { MemoryCollector } from '../collectors/MemoryCollector';
import type { NetworkCollector } from '../collectors/NetworkCollector';
import { CPU_MODE_NAMES } from '../collectors/CpuCollector';
import { HOST_ATTR as A } from '../names';
import { observeGroup } from './observeGroup';

/** system.cpu.* and load average, read from the CPU collector's last sample. */
export function observeCpu(meter: Meter, c: CpuCollector): () => void {
  return observeGroup(meter, ['cpuTime', 'cpuUtilization', 'cpuBusy', 'cpuLogicalCount', 'load1m', 'load5m', 'load15m'], (emit) => {
    const times = c.times;
    if (times) {
      for (const mode of CPU_MODE_NAMES) emit('cpuTime', times.seconds[mode], { [A.cpuMode]: mode });
      emit('cpuLogicalCount', times.logicalCount);
    }
    const cpu = c.cpu;
    if (cpu) {
      for (const mode of CPU_MODE_NAMES) emit('cpuUtilization', cpu.modes[mode], { [A.cpuMode]: mode });
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
      emit('memoryUsage', m.states.used, { [A.memoryState]: 'used' });
      emit('memoryUsage', m.states.free, { [A.memoryState]: 'free' });
      emit('memoryUsage', m.states.cached, { [A.memoryState]: 'cached' });
      emit('memoryUsage', m.states.buffers, { [A.memoryState]: 'buffers' });
      emit('memoryAvailable', m.available);
      emit('memoryLimit', m.total);
      emit('memoryUtilization', m.utilization);
    }
    const s = c.swap;
    if (s) {
      emit('pagingUsage', s.used, { [A.pagingState]: 'used' });
      emit('pagingUsage', s.free, { [A.pagingState]: 'free' });
      emit('pagingUtilization', s.utilization);
    }
  });
}

/** system.filesystem.* per mount. */
export function observeFilesystems(meter: Meter, c: FilesystemCollector): () => void {
  return observeGroup(meter, ['filesystemUsage', 'filesystemLimit', 'filesystemUtilization'], (emit) => {
    for (const f of c.filesystems) {
      const attrs = { [A.device]: f.device, [A.mountpoint]: f.mountpoint, [A.filesystemType]: f.type };
      emit('filesystemUsage', f.used, { ...attrs, [A.filesystemState]: 'used' });
      emit('filesystemUsage', f.free, { ...attrs, [A.filesystemState]: 'free' });
      emit('filesystemUsage', f.reserved, { ...attrs, [A.filesystemState]: 'reserved' });
      emit('filesystemLimit', f.limit, attrs);
      emit('filesystemUtilization', f.utilization, attrs);
    }
  });
}

/** system.disk.* per whole disk. */
export function observeDisks(meter: Meter, c: DiskCollector): () => void {
  return observeGroup(meter, ['diskIo', 'diskOperations', 'diskIoTime', 'diskOperationTime'], (emit) => {
    for (const d of c.disks) {
      const read = { [A.device]: d.device, [A.diskDirection]: 'read' };
      const write = { [A.device]: d.device, [A.diskDirection]: 'write' };
      emit('diskIo', d.readBytes, read);
      emit('diskIo', d.writeBytes, write);
      emit('diskOperations', d.reads, read);
      emit('diskOperations', d.writes, write);
      emit('diskOperationTime', d.readTimeSeconds, read);
      emit('diskOperationTime', d.writeTimeSeconds, write);
      emit('diskIoTime', d.ioTimeSeconds, { [A.device]: d.device });
    }
  });
}

/** system.network.* per interface. */
export function observeNetwork(meter: Meter, c: NetworkCollector): () => void {
  return observeGroup(meter, ['networkIo', 'networkPackets', 'networkErrors', 'networkDropped'], (emit) => {
    for (const n of c.network) {
      const rx = { [A.interface]: n.interface, [A.networkDirection]: 'receive' };
      const tx = { [A.interface]: n.interface, [A.networkDirection]: 'transmit' };
      emit('networkIo', n.rxBytes, rx);
      emit('networkIo', n.txBytes, tx);
      emit('networkPackets', n.rxPackets, rx);
      emit('networkPackets', n.txPackets, tx);
      emit('networkErrors', n.rxErrors, rx);
      emit('networkErrors', n.txErrors, tx);
      emit('networkDropped', n.rxDropped, rx);
      emit('networkDropped', n.txDropped, tx);
    }
  });
}
