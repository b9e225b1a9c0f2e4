import type { Meter } from '@opentelemetry/api';
import type { EventLoopCollector } from '../collectors/EventLoopCollector';
import type { ProcessCollector } from '../collectors/ProcessCollector';
import type { GpuCollector } from '../gpu/GpuCollector';
import { CLOCK_EVENT_REASONS } from '../gpu/NvmlLibrary';
import { HOST_ATTR as A } from '../names';
import { observeGroup } from './observeGroup';

/** process.* and nodejs.memory.*. */
export function observeProcess(meter: Meter, c: ProcessCollector): () => void {
  const keys = ['processCpuTime', 'processCpuUtilization', 'processMemoryUsage', 'heapUsed', 'heapTotal', 'external', 'openFds'] as const;
  return observeGroup(meter, keys, (emit) => {
    const p = c.process;
    if (!p) return;
    emit('processCpuTime', p.cpuUserSeconds, { [A.cpuMode]: 'user' });
    emit('processCpuTime', p.cpuSystemSeconds, { [A.cpuMode]: 'system' });
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
  return observeGroup(meter, keys, (emit) => {
    for (const g of c.devices()) {
      const attrs = { [A.hwId]: g.uuid, [A.hwName]: g.name, [A.gpuIndex]: g.index, [A.hwType]: 'gpu' };
      emit('gpuUtilization', g.utilization, { ...attrs, [A.gpuTask]: 'general' });
      emit('gpuUtilization', g.encoderUtilization, { ...attrs, [A.gpuTask]: 'encoder' });
      emit('gpuUtilization', g.decoderUtilization, { ...attrs, [A.gpuTask]: 'decoder' });
      emit('gpuMemoryUsage', g.memoryUsed, attrs);
      emit('gpuMemoryLimit', g.memoryTotal, attrs);
      emit('gpuMemoryUtilization', g.memoryUtilization, attrs);
      emit('gpuMemoryReserved', g.memoryReserved, attrs);
      emit('gpuMemoryControllerUtilization', g.memoryControllerUtilization, attrs);
      emit('gpuTemperature', g.temperature, { ...attrs, [A.hwType]: 'temperature', [A.hwId]: `${g.uuid}/temperature`, [A.hwParent]: g.uuid });
      emit('gpuPower', g.power, attrs);
      emit('gpuEnergy', g.energy, attrs);
      emit('gpuPowerLimit', g.powerLimit, attrs);
      emit('gpuSmClock', g.smClock, attrs);
      emit('gpuMemoryClock', g.memoryClock, attrs);
      if (g.clockEventReasons !== undefined) {
        for (const [bit, reason] of CLOCK_EVENT_REASONS) emit('gpuClockEvents', g.clockEventReasons & bit ? 1 : 0, { ...attrs, [A.clockEventReason]: reason });
      }
      emit('gpuErrors', g.eccCorrected, { ...attrs, [A.errorType]: 'ecc_corrected' });
      emit('gpuErrors', g.eccUncorrected, { ...attrs, [A.errorType]: 'ecc_uncorrected' });
      emit('gpuPcieThroughput', g.pcieRxBytesPerSecond, { ...attrs, [A.networkDirection]: 'receive' });
      emit('gpuPcieThroughput', g.pcieTxBytesPerSecond, { ...attrs, [A.networkDirection]: 'transmit' });
      emit('gpuMigInstances', g.migInstances, attrs);
      for (const p of g.processes) emit('gpuProcessMemory', p.memoryUsed, { ...attrs, [A.pid]: p.pid });
    }
  });
}
