import type { DiagLogger, PluginContext } from '@perfkit/core';
import { CgroupCollector } from './collectors/CgroupCollector';
import { CpuCollector } from './collectors/CpuCollector';
import { DiskCollector } from './collectors/DiskCollector';
import { EventLoopCollector } from './collectors/EventLoopCollector';
import { FilesystemCollector } from './collectors/FilesystemCollector';
import { KernelFileReader } from './collectors/KernelFileReader';
import { MemoryCollector } from './collectors/MemoryCollector';
import { createNameFilter } from './collectors/nameFilter';
import { NetworkCollector } from './collectors/NetworkCollector';
import { ProcessCollector } from './collectors/ProcessCollector';
import { resolveHostConfig, type HostMetricsOptions, type ResolvedHostConfig } from './config';
import { GpuCollector } from './gpu/GpuCollector';
import { observeCollectors } from './instruments/observeCollectors';
import { observeContainer } from './instruments/containerInstruments';
import { recordGc } from './instruments/recordGc';
import { observeEventLoop, observeGpus, observeProcess } from './instruments/runtimeInstruments';
import { observeCpu, observeDisks, observeFilesystems, observeMemory, observeNetwork } from './instruments/systemInstruments';
import { Sampler } from './Sampler';
import type { GpuBackendName, HostGroup, HostMetricsPlugin, HostSample } from './types';

/**
 * Host, process, event-loop and GPU metrics as a perfkit plug-in named `'host'`:
 * `perf.use(hostMetrics({ intervalMs: 5000, gpu: 'auto' }))`. Options are validated here, at once
 * (a bad value throws `PerfkitConfigError` naming `host.<key>`); sampling starts when perfkit starts the plug-in.
 */
export function hostMetrics(options?: HostMetricsOptions): HostMetricsPlugin {
  return new HostMetrics(resolveHostConfig(options));
}

interface Collectors {
  cpu?: CpuCollector;
  memory?: MemoryCollector;
  filesystem?: FilesystemCollector;
  disk?: DiskCollector;
  network?: NetworkCollector;
  process?: ProcessCollector;
  eventLoop?: EventLoopCollector;
  container?: CgroupCollector;
  gpu?: GpuCollector;
}

class HostMetrics implements HostMetricsPlugin {
  readonly name = 'host' as const;
  private readonly samplers = new Map<HostGroup, Sampler>();
  private readonly stops: (() => void)[] = [];
  private c: Collectors = {};
  private isStarted = false;
  private diag: DiagLogger | undefined;
  private shutdownPromise: Promise<void> | undefined;

  constructor(readonly config: ResolvedHostConfig) {}

  start(context: PluginContext): void {
    if (this.isStarted || this.shutdownPromise) return;
    this.isStarted = true;
    const { meter, diag } = context;
    this.diag = diag;
    const cfg = this.config;
    const g = cfg.groups;
    const c: Collectors = (this.c = {});
    // One set of held descriptors for every collector; released at shutdown.
    const files = new KernelFileReader();
    this.stops.push(() => files.close());
    const run = (group: HostGroup, interval: number, collect: () => void | Promise<void>, discard?: () => void) => {
      const sampler = new Sampler(group, interval, collect, diag, discard);
      this.samplers.set(group, sampler);
      sampler.start();
    };
    if (g.container) {
      const cg = (c.container = new CgroupCollector(cfg.procPath, cfg.intervalMs, diag, cfg.cgroupPath, files));
      this.stops.push(observeContainer(meter, cg));
      run('container', cfg.intervalMs, () => cg.collect(), () => cg.discard());
      diag.debug(`host container: cgroup ${cg.layout.mode} (memory ${cg.layout.memory?.dir ?? 'none'}, cpu ${cg.layout.cpu?.dir ?? 'none'})`);
    }
    if (g.cpu) {
      const cpu = (c.cpu = new CpuCollector(cfg.procPath, cfg.intervalMs, files));
      this.stops.push(observeCpu(meter, cpu));
      run('cpu', cfg.intervalMs, () => cpu.collect(), () => cpu.discard());
    }
    if (g.memory) {
      const memory = (c.memory = new MemoryCollector(cfg.procPath, files));
      this.stops.push(observeMemory(meter, memory));
      run('memory', cfg.intervalMs, () => memory.collect(), () => memory.discard());
    }
    if (g.filesystem) {
      const fsc = (c.filesystem = new FilesystemCollector(
        cfg.procPath,
        createNameFilter(cfg.mounts),
        createNameFilter(cfg.filesystemTypes),
        Math.min(cfg.ioIntervalMs, 5000),
        undefined,
        files,
      ));
      this.stops.push(observeFilesystems(meter, fsc));
      run('filesystem', cfg.ioIntervalMs, () => fsc.collect(), () => fsc.discard());
    }
    if (g.disk) {
      const disk = (c.disk = new DiskCollector(cfg.procPath, cfg.sysPath, createNameFilter(cfg.devices), files, diag));
      this.stops.push(observeDisks(meter, disk));
      run('disk', cfg.ioIntervalMs, () => disk.collect(), () => disk.discard());
    }
    if (g.network) {
      const net = (c.network = new NetworkCollector(cfg.procPath, createNameFilter(cfg.interfaces), files, diag));
      this.stops.push(observeNetwork(meter, net));
      run('network', cfg.ioIntervalMs, () => net.collect(), () => net.discard());
    }
    if (g.process) {
      const cg = c.container;
      const proc = (c.process = new ProcessCollector(cfg.procPath, cfg.intervalMs, () => cg?.cpuLimit()));
      this.stops.push(observeProcess(meter, proc));
      run('process', cfg.intervalMs, () => proc.collect(), () => proc.discard());
    }
    if (g.eventLoop) {
      const loop = (c.eventLoop = new EventLoopCollector(cfg.eventLoopResolutionMs));
      this.stops.push(observeEventLoop(meter, loop), () => loop.stop());
      run('eventLoop', cfg.intervalMs, () => loop.collect());
    }
    if (g.gc) this.stops.push(recordGc(meter));
    if (cfg.gpu !== false) {
      const gpu = (c.gpu = new GpuCollector(cfg, diag));
      this.stops.push(observeGpus(meter, gpu));
      run('gpu', cfg.gpuIntervalMs, () => gpu.collect());
    }
    if (this.samplers.size > 0) this.stops.push(observeCollectors(meter, this.samplers));
  }

  /** Runs every collector once now (tests, benchmarks, a first reading at start-up); never throws. */
  async collectNow(): Promise<void> {
    await Promise.all([...this.samplers.values()].map((s) => s.runOnce()));
  }

  latest(): HostSample | undefined {
    const at = this.lastCollectionAt();
    if (at === 0) return undefined;
    const c = this.c;
    return {
      at,
      cpu: c.cpu?.cpu,
      load: c.cpu?.load,
      memory: c.memory?.memory,
      swap: c.memory?.swap,
      filesystems: c.filesystem?.filesystems ?? [],
      disks: c.disk?.disks ?? [],
      network: c.network?.network ?? [],
      process: c.process?.process,
      eventLoop: c.eventLoop?.eventLoop,
      container: c.container?.container,
      gpus: c.gpu ? [...c.gpu.devices()] : [],
    };
  }

  gpuBackend(): GpuBackendName {
    return this.c.gpu?.backendName() ?? 'none';
  }

  lastCollectionAt(group?: HostGroup): number {
    if (group) return this.samplers.get(group)?.lastSuccessAt ?? 0;
    let latest = 0;
    for (const s of this.samplers.values()) latest = Math.max(latest, s.lastSuccessAt);
    return latest;
  }

  shutdown(): Promise<void> {
    return (this.shutdownPromise ??= this.doShutdown());
  }

  private async doShutdown(): Promise<void> {
    await Promise.all([...this.samplers.values()].map((s) => s.stop()));
    for (const stop of this.stops.splice(0)) {
      try {
        stop();
      } catch (err) {
        this.diag?.warn('host shutdown step failed', err);
      }
    }
    await this.c.gpu?.close();
  }
}
