import type { DiagLogger } from '@perfkit/core';
import type { GpuProcessSample, GpuSample } from '../types';
import { memoryUtilization, type GpuBackend } from './GpuBackend';
import { loadNvml, NVML, type NvmlFunctions, type NvmlLibrary } from './NvmlLibrary';

const MAX_DEVICES = 64;

/**
 * The NVML back end: `libnvidia-ml.so.1` dlopened through koffi when first asked, `nvmlInit_v2` once, every figure
 * read in-process (no child process per sample), `nvmlShutdown` and unload on close. A figure the device does not
 * support (NVML_ERROR_NOT_SUPPORTED, or any other error for that one call) is left out; a device whose handle
 * cannot be had is skipped; neither stops the others.
 */
export class NvmlBackend implements GpuBackend {
  readonly name = 'nvml' as const;
  private last: GpuSample[] = [];
  private closed = false;
  private readonly identity = new Map<number, { uuid: string; name: string }>();
  private processBuffer = Buffer.alloc(32 * NVML.PROCESS_INFO_SIZE);
  private readonly reported = new Set<string>();

  private constructor(
    private readonly lib: NvmlLibrary,
    private readonly diag: DiagLogger,
    private readonly maxProcesses: number,
  ) {}

  /** Loads and initialises NVML; throws an Error saying why when it cannot (library missing, init failed). */
  static async open(path: string, diag: DiagLogger, maxProcesses: number): Promise<NvmlBackend> {
    const lib = loadNvml(path);
    let ret: number;
    try {
      ret = await lib.fn.init();
    } catch (err) {
      lib.unload();
      throw err;
    }
    if (ret !== NVML.SUCCESS) {
      const message = lib.fn.errorString(ret);
      lib.unload();
      throw new Error(`nvmlInit_v2 failed: ${message} (${ret})`);
    }
    return new NvmlBackend(lib, diag, maxProcesses);
  }

  sample(): void {
    if (this.closed) return;
    const fn = this.lib.fn;
    const count: [number] = [0];
    const ret = fn.deviceCount(count);
    if (ret !== NVML.SUCCESS) throw new Error(`nvmlDeviceGetCount_v2 failed: ${fn.errorString(ret)} (${ret})`);
    const out: GpuSample[] = [];
    for (let index = 0; index < Math.min(count[0], MAX_DEVICES); index++) {
      const handle: [unknown] = [null];
      const r = fn.handleByIndex(index, handle);
      if (r !== NVML.SUCCESS) {
        this.reportOnce(`handle ${index}`, `host gpu: NVML cannot open device ${index}: ${fn.errorString(r)} (${r}); skipped`);
        continue;
      }
      out.push(this.readDevice(fn, index, handle[0]));
    }
    this.last = out;
  }

  private readDevice(fn: NvmlFunctions, index: number, device: unknown): GpuSample {
    let id = this.identity.get(index);
    if (!id) {
      id = { uuid: this.text(fn.uuid, device) ?? `GPU-index-${index}`, name: this.text(fn.name, device) ?? 'unknown' };
      this.identity.set(index, id);
    }
    const util: { gpu?: number } = {};
    const utilization = fn.utilization(device, util) === NVML.SUCCESS ? Math.min(1, Number(util.gpu) / 100) : undefined;
    const mem: { total?: number | bigint; used?: number | bigint } = {};
    const hasMemory = fn.memory(device, mem) === NVML.SUCCESS;
    const memoryUsed = hasMemory ? Number(mem.used) : undefined;
    const memoryTotal = hasMemory ? Number(mem.total) : undefined;
    const temperature = this.u32((o) => fn.temperature(device, NVML.TEMPERATURE_GPU, o));
    const milliwatts = this.u32((o) => fn.power(device, o));
    const smMhz = this.u32((o) => fn.clock(device, NVML.CLOCK_SM, o));
    return {
      index,
      uuid: id.uuid,
      name: id.name,
      utilization,
      memoryUsed,
      memoryTotal,
      memoryUtilization: memoryUtilization(memoryUsed, memoryTotal),
      temperature,
      power: milliwatts === undefined ? undefined : milliwatts / 1000,
      smClock: smMhz === undefined ? undefined : smMhz * 1e6,
      processes: this.processes(fn, device),
    };
  }

  private u32(call: (out: [number]) => number): number | undefined {
    const out: [number] = [0];
    return call(out) === NVML.SUCCESS ? out[0] : undefined;
  }

  private text(call: (device: unknown, buf: Buffer, length: number) => number, device: unknown): string | undefined {
    const buf = Buffer.alloc(NVML.STRING_BUFFER_SIZE);
    if (call(device, buf, buf.length) !== NVML.SUCCESS) return undefined;
    const end = buf.indexOf(0);
    return buf.toString('utf8', 0, end < 0 ? buf.length : end) || undefined;
  }

  private processes(fn: NvmlFunctions, device: unknown): GpuProcessSample[] {
    if (!fn.processes || this.maxProcesses === 0) return [];
    for (let attempt = 0; attempt < 2; attempt++) {
      const capacity = this.processBuffer.length / NVML.PROCESS_INFO_SIZE;
      const count: [number] = [capacity];
      const ret = fn.processes(device, count, this.processBuffer);
      if (ret === NVML.ERROR_INSUFFICIENT_SIZE && count[0] > capacity && count[0] <= 4096) {
        this.processBuffer = Buffer.alloc((count[0] + 8) * NVML.PROCESS_INFO_SIZE);
        continue;
      }
      if (ret !== NVML.SUCCESS) return [];
      const out: GpuProcessSample[] = [];
      for (let i = 0; i < Math.min(count[0], capacity); i++) {
        const off = i * NVML.PROCESS_INFO_SIZE;
        const used = this.processBuffer.readBigUInt64LE(off + 8);
        if (used === NVML.VALUE_NOT_AVAILABLE) continue;
        out.push({ pid: this.processBuffer.readUInt32LE(off), memoryUsed: Number(used) });
      }
      return out.sort((a, b) => b.memoryUsed - a.memoryUsed).slice(0, this.maxProcesses);
    }
    return [];
  }

  private reportOnce(key: string, message: string): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.diag.warn(message);
  }

  devices(): readonly GpuSample[] {
    return this.last;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.last = [];
    try {
      this.lib.fn.shutdown();
    } finally {
      this.lib.unload();
    }
  }
}
