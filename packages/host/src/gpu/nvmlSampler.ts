import type { GpuProcessSample, GpuSample } from '../types';
import { memoryUtilization } from './GpuBackend';
import { gpuHwId, parseGpuUuid, parsePciBusId, refusedUuidReason, withUniqueHwIds } from './gpuIdentity';
import { NVML, type NvmlFunctions } from './NvmlLibrary';

const MAX_DEVICES = 64;

/** A failure of the whole sample (device count): the library must be re-initialised. */
export class NvmlSampleError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/**
 * Reads every device once with synchronous NVML calls. It runs on the NVML worker thread, never on the main one.
 * A figure whose call fails (NOT_SUPPORTED, NO_PERMISSION, anything) is left out; a device whose handle cannot be
 * had is skipped and reported once through `report`; a failing device count throws {@link NvmlSampleError}.
 * A device is `hw.id` = its uuid (when of NVIDIA's form), else `pci:<bus id>` (nvmlDeviceGetPciInfo_v3), else
 * `index:<index>` (gpuIdentity.ts); a uuid that is missing or not of NVIDIA's form is said once.
 */
export class NvmlSampler {
  /**
   * Each device's identity, read once per NVML session (a re-initialisation makes a new sampler) once its uuid reads:
   * a device without one is read again at every sample, so a uuid that becomes readable is its hw.id from then on, as
   * the nvidia-smi back end has it, not only after the next re-initialisation.
   */
  private readonly identity = new Map<number, { uuid: string; name: string; pciBusId: string | undefined }>();
  private processBuffer = Buffer.alloc(32 * NVML.PROCESS_INFO_SIZE);
  private readonly u32a: [number] = [0];
  private readonly u32b: [number] = [0];
  private readonly u64: [number | bigint] = [0];

  constructor(
    private readonly fn: NvmlFunctions,
    private readonly maxProcesses: number,
    private readonly report: (key: string, message: string) => void,
  ) {}

  sample(): GpuSample[] {
    const fn = this.fn;
    const count: [number] = [0];
    const ret = fn.deviceCount(count);
    if (ret !== NVML.SUCCESS) throw new NvmlSampleError(`nvmlDeviceGetCount_v2 failed: ${fn.errorString(ret)} (${ret})`, ret);
    const out: GpuSample[] = [];
    for (let index = 0; index < Math.min(count[0], MAX_DEVICES); index++) {
      const handle: [unknown] = [null];
      const r = fn.handleByIndex(index, handle);
      if (r !== NVML.SUCCESS) {
        this.report(`handle ${index}`, `host gpu: NVML cannot open device ${index}: ${fn.errorString(r)} (${r}); skipped`);
        continue;
      }
      out.push(this.readDevice(index, handle[0]));
    }
    return withUniqueHwIds(out, (id, indexes) =>
      this.report(`shared ${id}`, `host gpu: NVML devices ${indexes.join(', ')} have the same identity (${id}); each is identified by its index instead`),
    );
  }

  private u32(call: ((out: [number]) => number) | undefined): number | undefined {
    if (!call) return undefined;
    this.u32a[0] = 0;
    return call(this.u32a) === NVML.SUCCESS ? this.u32a[0] : undefined;
  }

  private u64v(call: ((out: [number | bigint]) => number) | undefined): number | undefined {
    if (!call) return undefined;
    this.u64[0] = 0;
    return call(this.u64) === NVML.SUCCESS ? Number(this.u64[0]) : undefined;
  }

  private readDevice(index: number, device: unknown): GpuSample {
    const fn = this.fn;
    let id = this.identity.get(index);
    if (!id) {
      const pciBusId = this.busId(index, device);
      const printedUuid = this.text(fn.uuid, device);
      const uuid = parseGpuUuid(printedUuid);
      id = { uuid: gpuHwId(uuid, pciBusId, index), name: this.text(fn.name, device) ?? 'unknown', pciBusId };
      if (uuid === undefined) {
        const why = printedUuid === undefined ? ' has no uuid' : `: ${refusedUuidReason(printedUuid)}`;
        this.report(`uuid ${index}`, `host gpu: NVML device ${index}${why}; its hw.id is ${id.uuid}`);
      } else this.identity.set(index, id);
    }
    const util: { gpu?: number; memory?: number } = {};
    const hasUtil = fn.utilization?.(device, util) === NVML.SUCCESS;
    let memoryUsed: number | undefined;
    let memoryTotal: number | undefined;
    let memoryReserved: number | undefined;
    const v2: { version: number; total?: number | bigint; reserved?: number | bigint; used?: number | bigint } = { version: NVML.MEMORY_V2_VERSION };
    if (fn.memoryV2?.(device, v2) === NVML.SUCCESS) {
      memoryUsed = Number(v2.used);
      memoryTotal = Number(v2.total);
      memoryReserved = Number(v2.reserved);
    } else {
      const mem: { total?: number | bigint; used?: number | bigint } = {};
      if (fn.memory?.(device, mem) === NVML.SUCCESS) {
        memoryUsed = Number(mem.used);
        memoryTotal = Number(mem.total);
      }
    }
    const milliwatts = this.u32(fn.power && ((o) => fn.power!(device, o)));
    const limitMilliwatts = this.u32(fn.powerLimit && ((o) => fn.powerLimit!(device, o)));
    const smMhz = this.u32(fn.clock && ((o) => fn.clock!(device, NVML.CLOCK_SM, o)));
    const memMhz = this.u32(fn.clock && ((o) => fn.clock!(device, NVML.CLOCK_MEM, o)));
    const millijoules = this.u64v(fn.energy && ((o) => fn.energy!(device, o)));
    const pcieKbTx = this.u32(fn.pcieThroughput && ((o) => fn.pcieThroughput!(device, NVML.PCIE_UTIL_TX_BYTES, o)));
    const pcieKbRx = this.u32(fn.pcieThroughput && ((o) => fn.pcieThroughput!(device, NVML.PCIE_UTIL_RX_BYTES, o)));
    const percent = (v: number | undefined) => (v === undefined ? undefined : Math.min(1, v / 100));
    const coder = (call: NvmlFunctions['encoderUtilization']) => (call && call(device, this.u32a, this.u32b) === NVML.SUCCESS ? percent(this.u32a[0]) : undefined);
    return {
      index,
      uuid: id.uuid,
      pciBusId: id.pciBusId,
      name: id.name,
      utilization: hasUtil ? percent(Number(util.gpu)) : undefined,
      memoryControllerUtilization: hasUtil ? percent(Number(util.memory)) : undefined,
      memoryUsed,
      memoryTotal,
      memoryReserved,
      memoryUtilization: memoryUtilization(memoryUsed, memoryTotal),
      temperature: this.u32(fn.temperature && ((o) => fn.temperature!(device, NVML.TEMPERATURE_GPU, o))),
      power: milliwatts === undefined ? undefined : milliwatts / 1000,
      powerLimit: limitMilliwatts === undefined ? undefined : limitMilliwatts / 1000,
      energy: millijoules === undefined ? undefined : millijoules / 1000,
      smClock: smMhz === undefined ? undefined : smMhz * 1e6,
      memoryClock: memMhz === undefined ? undefined : memMhz * 1e6,
      clockEventReasons: this.u64v(fn.clockEventReasons && ((o) => fn.clockEventReasons!(device, o))),
      eccCorrected: this.u64v(fn.eccErrors && ((o) => fn.eccErrors!(device, NVML.MEMORY_ERROR_CORRECTED, NVML.VOLATILE_ECC, o))),
      eccUncorrected: this.u64v(fn.eccErrors && ((o) => fn.eccErrors!(device, NVML.MEMORY_ERROR_UNCORRECTED, NVML.VOLATILE_ECC, o))),
      pcieTxBytesPerSecond: pcieKbTx === undefined ? undefined : pcieKbTx * 1024,
      pcieRxBytesPerSecond: pcieKbRx === undefined ? undefined : pcieKbRx * 1024,
      encoderUtilization: coder(fn.encoderUtilization),
      decoderUtilization: coder(fn.decoderUtilization),
      migInstances: this.migInstances(device),
      processes: this.processes(device),
    };
  }

  private migInstances(device: unknown): number | undefined {
    const fn = this.fn;
    if (!fn.migMode || fn.migMode(device, this.u32a, this.u32b) !== NVML.SUCCESS) return undefined;
    if (this.u32a[0] !== 1) return 0;
    const max = this.u32(fn.maxMigDeviceCount && ((o) => fn.maxMigDeviceCount!(device, o)));
    if (max === undefined || !fn.migDeviceHandleByIndex) return undefined;
    let n = 0;
    const handle: [unknown] = [null];
    for (let i = 0; i < Math.min(max, 64); i++) if (fn.migDeviceHandleByIndex(device, i, handle) === NVML.SUCCESS) n++;
    return n;
  }

  /** The device's PCI bus id (nvmlPciInfo_t.busId); one that is no bus id is left out and said once. */
  private busId(index: number, device: unknown): string | undefined {
    if (!this.fn.pciInfo) return undefined;
    const buf = Buffer.alloc(NVML.PCI_INFO_SIZE);
    if (this.fn.pciInfo(device, buf) !== NVML.SUCCESS) return undefined;
    const field = buf.subarray(NVML.PCI_BUS_ID_OFFSET, NVML.PCI_BUS_ID_OFFSET + NVML.PCI_BUS_ID_SIZE);
    const end = field.indexOf(0);
    const text = field.toString('latin1', 0, end < 0 ? field.length : end);
    const busId = parsePciBusId(text);
    if (busId === undefined) this.report(`busId ${index}`, `host gpu: NVML device ${index}: busId ${JSON.stringify(text.slice(0, 40))} is not a PCI bus id; left out`);
    return busId;
  }

  private text(call: ((device: unknown, buf: Buffer, length: number) => number) | undefined, device: unknown): string | undefined {
    if (!call) return undefined;
    const buf = Buffer.alloc(NVML.STRING_BUFFER_SIZE);
    if (call(device, buf, buf.length) !== NVML.SUCCESS) return undefined;
    const end = buf.indexOf(0);
    return buf.toString('utf8', 0, end < 0 ? buf.length : end) || undefined;
  }

  private processes(device: unknown): GpuProcessSample[] {
    const fn = this.fn;
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
}
