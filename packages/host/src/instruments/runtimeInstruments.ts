import type { Meter } from '@opentelemetry/api';
import type { EventLoopCollector } from '../collectors/EventLoopCollector';
import type { ProcessCollector } from '../collectors/ProcessCollector';
import type { GpuCollector } from '../gpu/GpuCollector';
import { CLOCK_EVENT_REASONS } from '../gpu/NvmlLibrary';
import { HOST_ATTR as A } from '../names';
import type { GpuSample } from '../types';
import { AttributeSets } from './AttributeSets';
import { observeGroup } from './observeGroup';

const PROCESS_CPU_USER = { [A.cpuMode]: 'user' };
const PROCESS_CPU_SYSTEM = { [A.cpuMode]: 'system' };

/** process.* and nodejs.memory.*. */
export function observeProcess(meter: Meter, c: ProcessCollector): () => void {
  const keys = ['processCpuTime', 'processCpuUtilization', 'processMemoryUsage', 'heapUsed', 'heapTotal', 'external', 'openFds'] as const;
  return observeGroup(meter, keys, (emit) => {
    const p = c.process;
    if (!p) return;
    emit('processCpuTime', p.cpuUserSeconds, PROCESS_CPU_USER);
    emit('processCpuTime', p.cpuSystemSeconds, PROCESS_CPU_SYSTEM);
    emit('processCpuUtilization', p.cpuUtilization);
    emit('processMemoryUsage', p.rss);
    emit('heapUsed', p.heapUsed);
    emit('heapTotal', p.heapTotal);
    emit('external', p.external);
    emit('openFds', p.openFds);
  });
}

/** nodejs.eventloop.*. */
export function observeEventLoop(meter: Meter, c: EventLoopCollector): () => void {
  const keys = ['eventLoopDelayP50', 'eventLoopDelayP99', 'eventLoopDelayMax', 'eventLoopUtilization'] as const;
  return observeGroup(meter, keys, (emit) => {
    const e = c.eventLoop;
    if (!e) return;
    emit('eventLoopDelayP50', e.p50);
    emit('eventLoopDelayP99', e.p99);
    emit('eventLoopDelayMax', e.max);
    emit('eventLoopUtilization', e.utilization);
  });
}

/** hw.gpu.*, hw.power, hw.energy, hw.errors, hw.temperature and perfkit.gpu.* per device (hw.type="gpu"). */
export function observeGpus(meter: Meter, c: GpuCollector): () => void {
  const keys = [
    'gpuUtilization', 'gpuMemoryUsage', 'gpuMemoryLimit', 'gpuMemoryUtilization', 'gpuMemoryReserved', 'gpuMemoryControllerUtilization',
    'gpuTemperature', 'gpuPower', 'gpuEnergy', 'gpuPowerLimit', 'gpuSmClock', 'gpuMemoryClock', 'gpuClockEvents', 'gpuErrors',
    'gpuPcieThroughput', 'gpuMigInstances', 'gpuProcessMemory',
  ] as const;
  const sets = new AttributeSets((g: GpuSample) => {
    const device = { [A.hwId]: g.uuid, [A.hwName]: g.name, [A.gpuIndex]: g.index, [A.hwType]: 'gpu' };
    return {
      device,
      general: { ...device, [A.gpuTask]: 'general' },
      encoder: { ...device, [A.gpuTask]: 'encoder' },
      decoder: { ...device, [A.gpuTask]: 'decoder' },
      temperature: { ...device, [A.hwType]: 'temperature', [A.hwId]: `${g.uuid}/temperature`, [A.hwParent]: g.uuid },
      clockEvents: CLOCK_EVENT_REASONS.map(([bit, reason]) => [bit, { ...device, [A.clockEventReason]: reason }] as const),
      eccCorrected: { ...device, [A.errorType]: 'ecc_corrected' },
      eccUncorrected: { ...device, [A.errorType]: 'ecc_uncorrected' },
      pcieRx: { ...device, [A.networkDirection]: 'receive' },
      pcieTx: { ...device, [A.networkDirection]: 'transmit' },
    };
  });
  return observeGroup(meter, keys, (emit) => {
    for (const g of c.devices()) {
      const a = sets.get(`${g.uuid}\u0000${g.name}\u0000${g.index}`, g);
      const attrs = a.device;
      emit('gpuUtilization', g.utilization, a.general);
      emit('gpuUtilization', g.encoderUtilization, a.encoder);
      emit('gpuUtilization', g.decoderUtilization, a.decoder);
      emit('gpuMemoryUsage', g.memoryUsed, attrs);
      emit('gpuMemoryLimit', g.memoryTotal, attrs);
      emit('gpuMemoryUtilization', g.memoryUtilization, attrs);
      emit('gpuMemoryReserved', g.memoryReserved, attrs);
      emit('gpuMemoryControllerUtilization', g.memoryControllerUtilization, attrs);
      emit('gpuTemperature', g.temperature, a.temperature);
      emit('gpuPower', g.power, attrs);
      emit('gpuEnergy', g.energy, attrs);
      emit('gpuPowerLimit', g.powerLimit, attrs);
      emit('gpuSmClock', g.smClock, attrs);
      emit('gpuMemoryClock', g.memoryClock, attrs);
      if (g.clockEventReasons !== undefined) {
        for (const [bit, reasonAttrs] of a.clockEvents) emit('gpuClockEvents', g.clockEventReasons & bit ? 1 : 0, reasonAttrs);
      }
      emit('gpuErrors', g.eccCorrected, a.eccCorrected);
      emit('gpuErrors', g.eccUncorrected, a.eccUncorrected);
      emit('gpuPcieThroughput', g.pcieRxBytesPerSecond, a.pcieRx);
      emit('gpuPcieThroughput', g.pcieTxBytesPerSecond, a.pcieTx);
      emit('gpuMigInstances', g.migInstances, attrs);
      // Processes come and go: their sets are made per collection.
      for (const p of g.processes) emit('gpuProcessMemory', p.memoryUsed, { ...attrs, [A.pid]: p.pid });
    }
    sets.turn();
  });
}
