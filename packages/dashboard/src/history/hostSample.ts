import { deriveRatios, emptySample, type ResourceSample } from './ResourceSample';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;
const finite = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : NaN);

/** The first finite number found at one of the dotted paths. */
function pick(root: unknown, ...paths: string[]): number {
  for (const path of paths) {
    let cur: unknown = root;
    for (const part of path.split('.')) cur = isObj(cur) ? cur[part] : undefined;
    const n = finite(cur);
    if (!Number.isNaN(n)) return n;
  }
  return NaN;
}

const sumOf = (items: unknown[], ...paths: string[]): number => {
  let total = NaN;
  for (const item of items) {
    const v = pick(item, ...paths);
    if (!Number.isNaN(v)) total = (Number.isNaN(total) ? 0 : total) + v;
  }
  return total;
};

/**
 * Flattens `@perfkit/host`'s `latest()` into a {@link ResourceSample}. Reads defensively (the sample is plain data
 * from another package): unknown or missing fields become NaN, never a throw. Cumulative network counters become
 * rates against `previous`.
 */
export function fromHostSample(raw: unknown, now: number, previous?: { at: number; rx: number; tx: number }): {
  sample: ResourceSample;
  network: { at: number; rx: number; tx: number } | undefined;
} {
  const s = emptySample(pick(raw, 'timestamp', 'at', 'takenAt') || now);
  if (!isObj(raw)) return { sample: s, network: previous };
  const sys = isObj(raw.system) ? raw.system : raw;
  s.cpuUtilization = pick(sys, 'cpu.utilization', 'cpuUtilization', 'cpu');
  s.memoryTotalBytes = pick(sys, 'memory.total', 'memory.totalBytes', 'memoryTotalBytes');
  s.memoryUsedBytes = pick(sys, 'memory.used', 'memory.usedBytes', 'memoryUsedBytes');
  const available = pick(sys, 'memory.available', 'memory.availableBytes');
  if (Number.isNaN(s.memoryUsedBytes) && !Number.isNaN(available)) s.memoryUsedBytes = s.memoryTotalBytes - available;
  s.memoryUtilization = pick(sys, 'memory.utilization');

  const filesystems = Array.isArray(sys.filesystems) ? sys.filesystems : Array.isArray(raw.filesystems) ? raw.filesystems : [];
  const root = filesystems.find((f) => isObj(f) && (f.mountpoint === '/' || f.mountPoint === '/' || f.mount === '/')) ?? filesystems[0];
  s.diskTotalBytes = pick(root, 'total', 'size', 'totalBytes', 'limit');
  s.diskUsedBytes = pick(root, 'used', 'usedBytes');
  s.diskFreeBytes = pick(root, 'available', 'free', 'availableBytes', 'freeBytes');
  s.diskUtilization = pick(root, 'utilization');

  const nets = Array.isArray(sys.network) ? sys.network : Array.isArray(raw.network) ? raw.network : [];
  s.networkRxBytesPerSecond = sumOf(nets, 'rxBytesPerSecond', 'receiveBytesPerSecond');
  s.networkTxBytesPerSecond = sumOf(nets, 'txBytesPerSecond', 'transmitBytesPerSecond');
  let network = previous;
  const rx = sumOf(nets, 'rxBytes', 'receiveBytes', 'receive', 'rx');
  const tx = sumOf(nets, 'txBytes', 'transmitBytes', 'transmit', 'tx');
  if (!Number.isNaN(rx) && !Number.isNaN(tx)) {
    if (previous && s.at > previous.at && rx >= previous.rx && tx >= previous.tx) {
      const dt = (s.at - previous.at) / 1000;
      if (Number.isNaN(s.networkRxBytesPerSecond)) s.networkRxBytesPerSecond = (rx - previous.rx) / dt;
      if (Number.isNaN(s.networkTxBytesPerSecond)) s.networkTxBytesPerSecond = (tx - previous.tx) / dt;
    }
    network = { at: s.at, rx, tx };
  }

  s.eventLoopP99Seconds = pick(raw, 'eventLoop.p99', 'process.eventLoop.p99', 'eventLoop.delay.p99');
  s.processRssBytes = pick(raw, 'process.rss', 'process.memory.rss', 'process.rssBytes');

  const gpus = (Array.isArray(raw.gpus) ? raw.gpus : Array.isArray(raw.gpu) ? raw.gpu : []).filter(isObj);
  if (gpus.length) {
    const util = sumOf(gpus, 'utilization', 'utilizationRatio');
    s.gpuUtilization = Number.isNaN(util) ? NaN : util / gpus.length;
    s.gpuMemoryUsedBytes = sumOf(gpus, 'memoryUsed', 'memory.used', 'memoryUsedBytes');
    s.gpuMemoryTotalBytes = sumOf(gpus, 'memoryTotal', 'memory.total', 'memoryTotalBytes');
  }
  return { sample: deriveRatios(s), network };
}
