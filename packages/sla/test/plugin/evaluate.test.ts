import type { HostSample } from '@perfkit/host';
import { judgeLimit, limitValue } from '../../src/plugin/evaluate';
import type { LimitThreshold } from '../../src/thresholds';

const limit = (resource: 'cpu' | 'memory', max: number): LimitThreshold => ({ id: resource, resource, violatedWhen: 'above', limit: max, unit: 'ratio', for: '5m' });

/** A host sample: the host's own figures, and a container's when given. */
function sample(host: { cpu: number; memory: number }, container?: { cpu?: number; memory?: number }): HostSample {
  return {
    at: 1,
    cpu: { utilization: host.cpu } as HostSample['cpu'],
    memory: { utilization: host.memory } as HostSample['memory'],
    filesystems: [],
    disks: [],
    network: [],
    gpus: [],
    container: container && { mode: 'v2', memory: { utilization: container.memory }, cpu: { utilization: container.cpu }, pressure: [] },
  };
}

describe('limitValue for cpu and memory', () => {
  it('judges the container when its cgroup has a limit, even on a quiet host', () => {
    const s = sample({ cpu: 0.1, memory: 0.2 }, { cpu: 0.97, memory: 0.93 });
    expect(limitValue(limit('memory', 0.85), s, new Map())).toBe(0.93);
    expect(limitValue(limit('cpu', 0.9), s, new Map())).toBe(0.97);
    expect(judgeLimit(limit('memory', 0.85), 0.93).status).toBe('violated');
  });

  it('does not fire for a busy host when the container is within its limit', () => {
    const s = sample({ cpu: 0.99, memory: 0.95 }, { cpu: 0.3, memory: 0.4 });
    expect(limitValue(limit('memory', 0.85), s, new Map())).toBe(0.4);
    expect(judgeLimit(limit('memory', 0.85), 0.4).status).toBe('met');
  });

  it('judges the host when there is no container limit (figure absent) or it is not a number', () => {
    expect(limitValue(limit('memory', 0.85), sample({ cpu: 0.5, memory: 0.9 }, {}), new Map())).toBe(0.9);
    expect(limitValue(limit('memory', 0.85), sample({ cpu: 0.5, memory: 0.9 }), new Map())).toBe(0.9);
    for (const bad of [NaN, Infinity, '0.5' as unknown as number]) {
      expect(limitValue(limit('cpu', 0.9), sample({ cpu: 0.5, memory: 0.9 }, { cpu: bad, memory: bad }), new Map())).toBe(0.5);
    }
    expect(limitValue(limit('cpu', 0.9), undefined, new Map())).toBeUndefined();
  });
});
