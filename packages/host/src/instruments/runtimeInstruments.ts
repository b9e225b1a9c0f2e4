import type { Meter } from '@opentelemetry/api';
import type { EventLoopCollector } from '../collectors/EventLoopCollector';
import type { ProcessCollector } from '../collectors/ProcessCollector';
import type { GpuCollector } from '../gpu/GpuCollector';
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

/** hw.gpu.*, hw.power, hw.temperature and perfkit.gpu.* per device (hw.type="gpu"), and per process where known. */
export function observeGpus(meter: Meter, c: GpuCollector): () => void {
  const keys = ['gpuUtilization', 'gpuMemoryUsage', 'gpuMemoryLimit', 'gpuMemoryUtilization', 'gpuTemperature', 'gpuPower', 'gpuSmClock', 'gpuProcessMemory'] as const;
  return observeGroup(meter, keys, (emit) => {
    for (const g of c.devices()) {
      const attrs = { [A.hwId]: g.uuid, [A.hwName]: g.name, [A.gpuIndex]: g.index, [A.hwType]: 'gpu' };
      emit('gpuUtilization', g.utilization, { ...attrs, [A.gpuTask]: 'general' });
      emit('gpuMemoryUsage', g.memoryUsed, attrs);
      emit('gpuMemoryLimit', g.memoryTotal, attrs);
      emit('gpuMemoryUtilization', g.memoryUtilization, attrs);
      emit('gpuTemperature', g.temperature, { ...attrs, [A.hwType]: 'temperature', [A.hwId]: `${g.uuid}/temperature`, [A.hwParent]: g.uuid });
      emit('gpuPower', g.power, attrs);
      emit('gpuSmClock', g.smClock, attrs);
      for (const p of g.processes) emit('gpuProcessMemory', p.memoryUsed, { ...attrs, [A.pid]: p.pid });
    }
  });
}
