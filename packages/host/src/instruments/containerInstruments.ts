import type { Meter } from '@opentelemetry/api';
import type { CgroupCollector } from '../collectors/CgroupCollector';
import { HOST_ATTR as A } from '../names';
import { observeGroup } from './observeGroup';

/** container.* and perfkit.container.* from the process's cgroup, perfkit.pressure.* from the cgroup and the host. */
export function observeContainer(meter: Meter, c: CgroupCollector): () => void {
  const keys = [
    'containerMemoryLimit', 'containerMemoryUsage', 'containerMemoryWorkingSet', 'containerMemoryRss', 'containerMemoryAvailable',
    'containerMemoryUtilization', 'containerMemoryOomKills', 'containerMemoryLimitHits', 'containerCpuLimit', 'containerCpuTime',
    'containerCpuUsage', 'containerCpuUtilization', 'containerCpuPeriods', 'containerCpuThrottledPeriods', 'containerCpuThrottledTime',
    'pressureStallTime', 'pressureAvg10',
  ] as const;
  // Attribute sets per pressure figure, made once: the callback only copies numbers.
  const pressureAttrs = new Map<string, Record<string, string>>();
  return observeGroup(meter, keys, (emit) => {
    const s = c.container;
    if (!s) return;
    const m = s.memory;
    emit('containerMemoryLimit', m.limit);
    emit('containerMemoryUsage', m.usage);
    emit('containerMemoryWorkingSet', m.workingSet);
    emit('containerMemoryRss', m.rss);
    emit('containerMemoryAvailable', m.available);
    emit('containerMemoryUtilization', m.utilization);
    emit('containerMemoryOomKills', m.oomKills);
    emit('containerMemoryLimitHits', m.limitHits);
    const cpu = s.cpu;
    emit('containerCpuLimit', cpu.limitCores);
    emit('containerCpuTime', cpu.timeSeconds);
    emit('containerCpuUsage', cpu.usageCores);
    emit('containerCpuUtilization', cpu.utilization);
    emit('containerCpuPeriods', cpu.periods);
    emit('containerCpuThrottledPeriods', cpu.throttledPeriods);
    emit('containerCpuThrottledTime', cpu.throttledSeconds);
    for (const p of s.pressure) {
      const key = `${p.resource}/${p.scope}/${p.source}`;
      let attrs = pressureAttrs.get(key);
      if (!attrs) pressureAttrs.set(key, (attrs = { [A.pressureResource]: p.resource, [A.pressureScope]: p.scope, [A.pressureSource]: p.source }));
      emit('pressureStallTime', p.totalSeconds, attrs);
      emit('pressureAvg10', p.avg10, attrs);
    }
  });
}
