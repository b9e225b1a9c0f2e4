import type * as Koffi from 'koffi' with { 'resolution-mode': 'import' };

type KoffiModule = typeof Koffi;
let koffiModule: KoffiModule | undefined;

/** koffi (and its native addon) is loaded only when NVML is first tried, never at import time. */
function loadKoffi(): KoffiModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (koffiModule ??= require('koffi') as KoffiModule);
}

/**
 * NVML constants perfkit uses, from nvml.h (NVML API version 12, as shipped with CUDA 12.x / driver R535+; the
 * values have not changed since they were introduced).
 */
export const NVML = {
  SUCCESS: 0,
  ERROR_UNINITIALIZED: 1,
  ERROR_NOT_SUPPORTED: 3,
  ERROR_NO_PERMISSION: 4,
  ERROR_INSUFFICIENT_SIZE: 7,
  ERROR_DRIVER_NOT_LOADED: 9,
  ERROR_GPU_IS_LOST: 15,
  ERROR_UNKNOWN: 999,
  TEMPERATURE_GPU: 0,
  CLOCK_SM: 1,
  CLOCK_MEM: 2,
  /** nvmlMemoryErrorType_t */
  MEMORY_ERROR_CORRECTED: 0,
  MEMORY_ERROR_UNCORRECTED: 1,
  /** nvmlEccCounterType_t: since the driver was loaded. */
  VOLATILE_ECC: 0,
  /** nvmlPcieUtilCounter_t */
  PCIE_UTIL_TX_BYTES: 0,
  PCIE_UTIL_RX_BYTES: 1,
  /** usedGpuMemory when the driver cannot tell (e.g. Windows WDDM). */
  VALUE_NOT_AVAILABLE: 0xffffffffffffffffn,
  /** Bytes of nvmlProcessInfo_t (v2/v3 layout: pid, usedGpuMemory, gpuInstanceId, computeInstanceId). */
  PROCESS_INFO_SIZE: 24,
  STRING_BUFFER_SIZE: 96,
  /**
   * sizeof(nvmlPciInfo_t) as nvmlDeviceGetPciInfo_v3 fills it: char busIdLegacy[16]; unsigned int domain, bus,
   * device, pciDeviceId, pciSubSystemId; char busId[32] (NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE) at offset 36.
   */
  PCI_INFO_SIZE: 68,
  PCI_BUS_ID_OFFSET: 36,
  PCI_BUS_ID_SIZE: 32,
  /** nvmlMemory_v2 = NVML_STRUCT_VERSION(Memory, 2) = sizeof(nvmlMemory_v2_t) (40) | 2 << 24. */
  MEMORY_V2_VERSION: 40 | (2 << 24),
} as const;

/** nvmlClocksEventReason* bits (nvml.h; "ThrottleReasons" before R535), named as perfkit reports them. */
export const CLOCK_EVENT_REASONS: readonly (readonly [number, string])[] = [
  [0x1, 'gpu_idle'],
  [0x2, 'applications_clocks_setting'],
  [0x4, 'sw_power_cap'],
  [0x8, 'hw_slowdown'],
  [0x10, 'sync_boost'],
  [0x20, 'sw_thermal_slowdown'],
  [0x40, 'hw_thermal_slowdown'],
  [0x80, 'hw_power_brake_slowdown'],
  [0x100, 'display_clock_setting'],
];

type Ret = number;
type Device = unknown;
type U32 = [number];
type U64 = [number | bigint];

/**
 * The NVML entry points perfkit calls, bound through koffi. The first five are required (no NVML without them);
 * every other one is optional: a driver that lacks a symbol (older, or a deprecated name) loses that figure only.
 */
export interface NvmlFunctions {
  init(): Ret;
  shutdown(): Ret;
  errorString(code: Ret): string;
  deviceCount(out: U32): Ret;
  handleByIndex(index: number, out: [Device]): Ret;
  uuid?: (device: Device, buf: Buffer, length: number) => Ret;
  name?: (device: Device, buf: Buffer, length: number) => Ret;
  /** nvmlDeviceGetPciInfo_v3 into an {@link NVML}.PCI_INFO_SIZE buffer (the v1/v2 structs have another layout: not used). */
  pciInfo?: (device: Device, buf: Buffer) => Ret;
  utilization?: (device: Device, out: { gpu?: number; memory?: number }) => Ret;
  memory?: (device: Device, out: { total?: number | bigint; free?: number | bigint; used?: number | bigint }) => Ret;
  /** nvmlDeviceGetMemoryInfo_v2: reserved apart from used (R510+). */
  memoryV2?: (device: Device, inout: { version: number; total?: number | bigint; reserved?: number | bigint; free?: number | bigint; used?: number | bigint }) => Ret;
  temperature?: (device: Device, sensor: number, out: U32) => Ret;
  power?: (device: Device, out: U32) => Ret;
  powerLimit?: (device: Device, out: U32) => Ret;
  energy?: (device: Device, out: U64) => Ret;
  clock?: (device: Device, type: number, out: U32) => Ret;
  clockEventReasons?: (device: Device, out: U64) => Ret;
  eccErrors?: (device: Device, errorType: number, counterType: number, out: U64) => Ret;
  pcieThroughput?: (device: Device, counter: number, out: U32) => Ret;
  encoderUtilization?: (device: Device, util: U32, samplingPeriodUs: U32) => Ret;
  decoderUtilization?: (device: Device, util: U32, samplingPeriodUs: U32) => Ret;
  migMode?: (device: Device, current: U32, pending: U32) => Ret;
  maxMigDeviceCount?: (device: Device, out: U32) => Ret;
  migDeviceHandleByIndex?: (device: Device, index: number, out: [Device]) => Ret;
  /** Undefined when the library lacks nvmlDeviceGetComputeRunningProcesses_v3 (drivers before 510). */
  processes?: (device: Device, count: U32, infos: Buffer | null) => Ret;
}

let types: { device: Koffi.TypeObject; utilization: Koffi.TypeObject; memory: Koffi.TypeObject; memoryV2: Koffi.TypeObject } | undefined;

function sharedTypes(koffi: KoffiModule) {
  // koffi registers named types globally; anonymous ones can be created once and reused by every load.
  types ??= {
    device: koffi.pointer(koffi.opaque()),
    utilization: koffi.struct({ gpu: 'uint32_t', memory: 'uint32_t' }),
    memory: koffi.struct({ total: 'uint64_t', free: 'uint64_t', used: 'uint64_t' }),
    // nvmlMemory_v2_t: unsigned int version; unsigned long long total, reserved, free, used (natural alignment).
    memoryV2: koffi.struct({ version: 'uint32_t', total: 'uint64_t', reserved: 'uint64_t', free: 'uint64_t', used: 'uint64_t' }),
  };
  return types;
}

/** A loaded NVML library: its functions, the optional symbols it lacks, and a way to unload it. */
export interface NvmlLibrary {
  readonly fn: NvmlFunctions;
  readonly missing: readonly string[];
  unload(): void;
}

/** dlopens `path` and binds the functions; throws (caught by the caller) when the library or a required symbol is missing. */
export function loadNvml(path: string): NvmlLibrary {
  const koffi = loadKoffi();
  const lib = koffi.load(path);
  try {
    const t = sharedTypes(koffi);
    const u32Out = koffi.out(koffi.pointer('uint32_t'));
    const u64Out = koffi.out(koffi.pointer('uint64_t'));
    const deviceOut = koffi.out(koffi.pointer(t.device));
    const f = (name: string, args: unknown[]) => lib.func(name, 'int', args as Parameters<typeof koffi.type>[0][]) as (...a: unknown[]) => Ret;
    const missing: string[] = [];
    const optional = <T>(names: string[], args: unknown[]): T | undefined => {
      for (const name of names) {
        try {
          return f(name, args) as unknown as T;
        } catch {
          // not exported by this driver: try the next name, else lose the figure
        }
      }
      missing.push(names[0]!);
      return undefined;
    };
    const errorString = lib.func('nvmlErrorString', 'const char *', ['int']) as (code: Ret) => string;
    const fn: NvmlFunctions = {
      init: f('nvmlInit_v2', []) as NvmlFunctions['init'],
      shutdown: f('nvmlShutdown', []) as NvmlFunctions['shutdown'],
      errorString: (code) => {
        try {
          return String(errorString(code) ?? `NVML error ${code}`);
        } catch {
          return `NVML error ${code}`;
        }
      },
      deviceCount: f('nvmlDeviceGetCount_v2', [u32Out]) as NvmlFunctions['deviceCount'],
      handleByIndex: f('nvmlDeviceGetHandleByIndex_v2', ['uint32_t', deviceOut]) as NvmlFunctions['handleByIndex'],
      uuid: optional(['nvmlDeviceGetUUID'], [t.device, 'void *', 'uint32_t']),
      name: optional(['nvmlDeviceGetName'], [t.device, 'void *', 'uint32_t']),
      pciInfo: optional(['nvmlDeviceGetPciInfo_v3'], [t.device, 'void *']),
      utilization: optional(['nvmlDeviceGetUtilizationRates'], [t.device, koffi.out(koffi.pointer(t.utilization))]),
      memory: optional(['nvmlDeviceGetMemoryInfo'], [t.device, koffi.out(koffi.pointer(t.memory))]),
      memoryV2: optional(['nvmlDeviceGetMemoryInfo_v2'], [t.device, koffi.inout(koffi.pointer(t.memoryV2))]),
      temperature: optional(['nvmlDeviceGetTemperature'], [t.device, 'int', u32Out]),
      power: optional(['nvmlDeviceGetPowerUsage'], [t.device, u32Out]),
      powerLimit: optional(['nvmlDeviceGetEnforcedPowerLimit'], [t.device, u32Out]),
      energy: optional(['nvmlDeviceGetTotalEnergyConsumption'], [t.device, u64Out]),
      clock: optional(['nvmlDeviceGetClockInfo'], [t.device, 'int', u32Out]),
      clockEventReasons: optional(['nvmlDeviceGetCurrentClocksEventReasons', 'nvmlDeviceGetCurrentClocksThrottleReasons'], [t.device, u64Out]),
      eccErrors: optional(['nvmlDeviceGetTotalEccErrors'], [t.device, 'int', 'int', u64Out]),
      pcieThroughput: optional(['nvmlDeviceGetPcieThroughput'], [t.device, 'int', u32Out]),
      encoderUtilization: optional(['nvmlDeviceGetEncoderUtilization'], [t.device, u32Out, u32Out]),
      decoderUtilization: optional(['nvmlDeviceGetDecoderUtilization'], [t.device, u32Out, u32Out]),
      migMode: optional(['nvmlDeviceGetMigMode'], [t.device, u32Out, u32Out]),
      maxMigDeviceCount: optional(['nvmlDeviceGetMaxMigDeviceCount'], [t.device, u32Out]),
      migDeviceHandleByIndex: optional(['nvmlDeviceGetMigDeviceHandleByIndex'], [t.device, 'uint32_t', deviceOut]),
      processes: optional(['nvmlDeviceGetComputeRunningProcesses_v3'], [t.device, koffi.inout(koffi.pointer('uint32_t')), 'void *']),
    };
    return { fn, missing, unload: () => lib.unload() };
  } catch (err) {
    lib.unload();
    throw err;
  }
}
