import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { HOST_METRICS } from '../src';
import { promtoolCheckMetrics } from '../../../test/helpers/promtool';
import { buildFakeNvml, fakeProc, startHost, tempDir } from './fixtures/fakes';

/** The v2 container fixture (test/fixtures/cgroup/README.md), copied with its own memory limit so every container family is written. */
const CGROUP_FIXTURE = join(__dirname, 'fixtures', 'cgroup', 'v2', 'kubepods', 'pod1', 'ctr');
function limitedCgroup(dir: string): string {
  const out = join(dir, 'ctr');
  cpSync(CGROUP_FIXTURE, out, { recursive: true });
  writeFileSync(join(out, 'memory.max'), '419430400\n');
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Allocates short-lived objects until V8 has reported a minor GC (a scavenge) to an observer of the test's own, then
 * waits a turn more: perfkit's observer gets the same entries in the same dispatch. A fixed amount of garbage was
 * not enough: in a jest worker whose young generation had grown over earlier suites, 16 MB of it ran no scavenge at
 * all (the whole suite on Node 24 read no v8js_gc series; alone, the test passed).
 */
async function churnUntilMinorGc(): Promise<void> {
  let minor = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if ((e.detail as { kind?: number } | undefined)?.kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
  });
  observer.observe({ entryTypes: ['gc'] });
  try {
    let keep: unknown[] = [];
    for (let round = 0; round < 200 && minor === 0; round++) {
      for (let i = 0; i < 50_000; i++) {
        keep.push({ i, s: 'x'.repeat(20) });
        if (keep.length > 10_000) keep = [];
      }
      await new Promise((r) => setImmediate(r)); // GC entries reach observers on a later turn
    }
    await sleep(20);
  } finally {
    observer.disconnect();
  }
  if (minor === 0) throw new Error('no minor GC after 200 rounds of 50,000 short-lived objects');
}

function families(text: string): Set<string> {
  return new Set(text.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]!));
}

describe('hostMetrics plug-in', () => {
  let dir: string;
  let cleanup: () => void;
  let nvml: string;
  let cgroup: string;
  const running: { shutdown(): Promise<void> }[] = [];
  beforeAll(() => {
    ({ dir, cleanup } = tempDir('plugin'));
    nvml = buildFakeNvml(dir);
    cgroup = limitedCgroup(dir);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.shutdown()));
  });
  afterAll(() => cleanup());

  function setup(options: Parameters<typeof startHost>[0] = {}) {
    const started = startHost({ intervalMs: 100, ioIntervalMs: 100, gpuIntervalMs: 100, gpu: 'nvml', nvmlLibrary: nvml, ...options });
    running.push(started.perf);
    return started;
  }

  it('writes every HOST_METRICS family on /metrics, promtool-clean, when all groups are on', async () => {
    const { perf, host } = setup({ interfaces: { include: [], exclude: [] }, cgroupPath: cgroup });
    await host.collectNow();
    await sleep(150);
    await churnUntilMinorGc();
    // The event-loop delays are absent from a collection whose histogram took no sample (4eb9882): the background
    // collections (every 100 ms) reset it, and one right before the synchronous churn leaves the next collection
    // none. A clean clone under load read no nodejs_eventloop_delay_p50_seconds once. Collect again, a turn apart,
    // until a scrape has every family (bounded); the assertion below then reads that scrape.
    let text = '';
    for (let attempt = 0; attempt < 50; attempt++) {
      await host.collectNow();
      text = await perf.metrics();
      const seen = families(text);
      if (Object.values(HOST_METRICS).every((def) => seen.has(def.prom))) break;
      await sleep(20);
    }
    const written = families(text);
    for (const def of Object.values(HOST_METRICS)) expect([def.prom, written.has(def.prom)]).toEqual([def.prom, true]);
    expect(text).not.toMatch(/ NaN$/m);
    expect(promtoolCheckMetrics(text)).toEqual({ status: 0, report: '' });
  });

  it('puts the GC histogram in seconds with the explicit sub-millisecond buckets', async () => {
    const { perf, host } = setup({ gpu: false });
    await churnUntilMinorGc();
    await host.collectNow();
    const text = await perf.metrics();
    expect(text).toMatch(/^v8js_gc_duration_seconds_bucket\{v8js_gc_type="minor",le="0.0005"\} \d+$/m);
    expect(text).toMatch(/^v8js_gc_duration_seconds_count\{v8js_gc_type="minor"\} [1-9]\d*$/m);
  });

  it('exposes plain numbers through latest(), gpuBackend() and lastCollectionAt()', async () => {
    const { host } = setup();
    expect(host.latest()).toBeUndefined();
    expect(host.lastCollectionAt()).toBe(0);
    await host.collectNow();
    await sleep(150);
    await host.collectNow();
    const s = host.latest()!;
    expect(s.cpu!.utilization).toBeGreaterThanOrEqual(0);
    expect(s.cpu!.utilization).toBeLessThanOrEqual(1);
    expect(s.memory!.used + s.memory!.available).toBe(s.memory!.total);
    expect(s.filesystems.some((f) => f.mountpoint === '/')).toBe(true);
    expect(s.process!.rss).toBeGreaterThan(0);
    expect(s.eventLoop!.utilization).toBeGreaterThanOrEqual(0);
    expect(s.gpus.map((g) => g.uuid)).toEqual(['GPU-fa4e0000-0000-4000-8000-000000000000', 'GPU-fa4e0000-0000-4000-8000-000000000001']);
    expect(host.gpuBackend()).toBe('nvml');
    expect(host.lastCollectionAt('gpu')).toBeGreaterThan(0);
    expect(s.at).toBe(host.lastCollectionAt());
  });

  it('serves the last sample at scrape time without reading /proc again', async () => {
    const { dir: proc, cleanup: done } = tempDir('proc');
    try {
      fakeProc(proc, { meminfo: 'MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 600 kB\n', stat: 'cpu  1 0 1 1 0 0 0 0\n' });
      const { perf, host } = setup({ procPath: proc, gpu: false, intervalMs: 3_600_000, ioIntervalMs: 3_600_000 });
      await host.collectNow();
      rmSync(join(proc, 'meminfo'));
      const text = await perf.metrics();
      // The states partition MemTotal: used = 1000 − 100 (free) − 0 (buffers) − 0 (cached) kB.
      expect(text).toContain('system_memory_usage_bytes{system_memory_state="used"} 921600\n');
    } finally {
      done();
    }
  });

  it('leaves out the families of groups that are off', async () => {
    const { perf, host } = setup({ gpu: false, cgroupPath: cgroup, groups: { filesystem: false, network: false, disk: false, gc: false } });
    await host.collectNow();
    await sleep(150);
    await host.collectNow();
    const written = families(await perf.metrics());
    for (const def of Object.values(HOST_METRICS)) {
      const off = ['filesystem', 'network', 'disk', 'gc', 'gpu'].includes(def.group);
      expect([def.prom, written.has(def.prom)]).toEqual([def.prom, !off]);
    }
    expect(host.gpuBackend()).toBe('none');
  });

  it('logs each broken collector once, keeps the others and never throws when /proc is empty', async () => {
    const { dir: empty, cleanup: done } = tempDir('empty');
    try {
      const { perf, host, lines } = setup({ procPath: empty, sysPath: empty, gpu: false });
      for (let i = 0; i < 3; i++) await expect(host.collectNow()).resolves.toBeUndefined();
      const warnings = lines.filter((l) => l.startsWith('warn:'));
      expect(warnings.map((l) => /host (\w+) collection failed/.exec(l)?.[1]).sort()).toEqual(['cpu', 'disk', 'filesystem', 'memory', 'network']);
      const text = await perf.metrics();
      expect(text).toContain('process_memory_usage_bytes ');
      expect(text).not.toContain('system_memory_usage_bytes');
    } finally {
      done();
    }
  });

  it('stops sampling and releases the GPU back end when perfkit shuts down twice', async () => {
    const { perf, host } = setup();
    await host.collectNow();
    await perf.shutdown();
    await perf.shutdown();
    await host.shutdown();
    const at = host.lastCollectionAt();
    await sleep(250);
    expect(host.lastCollectionAt()).toBe(at);
    expect(host.gpuBackend()).toBe('none');
  });
});
