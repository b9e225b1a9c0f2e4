import type * as Koffi from 'koffi' with { 'resolution-mode': 'import' };

type KoffiModule = typeof Koffi;
let koffiModule: KoffiModule | undefined;

/** koffi (and its native addon) is loaded only when NVML is first tried, never at import time. */
function loadKoffi(): KoffiModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (koffiModule ??= require('koffi') as KoffiModule);
}

/** NVML return codes perfkit acts on (nvml.h). */
export const NVML = {
  SUCCESS: 0,
  ERROR_NOT_SUPPORTED: 3,
  ERROR_INSUFFICIENT_SIZE: 7,
  TEMPERATURE_GPU: 0,
  CLOCK_SM: 1,
  /** usedGpuMemory when the driver cannot tell (e.g. Windows WDDM). */
  VALUE_NOT_AVAILABLE: 0xffffffffffffffffn,
  /** Bytes of nvmlProcessInfo_t (v2/v3 layout: pid, usedGpuMemory, gpuInstanceId, computeInstanceId). */
  PROCESS_INFO_SIZE: 24,
  STRING_BUFFER_SIZE: 96,
} as const;

type Ret = number;

/** The NVML entry points perfkit calls, bound through koffi. */
export interface NvmlFunctions {
  /** nvmlInit_v2 on a koffi worker thread: it can take hundreds of ms (driver load, many GPUs) and must not block. */
  init(): Promise<Ret>;
  shutdown(): Ret;
  errorString(code: Ret): string;
  deviceCount(out: [number]): Ret;
  handleByIndex(index: number, out: [unknown]): Ret;
  uuid(device: unknown, buf: Buffer, length: number): Ret;
  name(device: unknown, buf: Buffer, length: number): Ret;
  utilization(device: unknown, out: { gpu?: number; memory?: number }): Ret;
  memory(device: unknown, out: { total?: number | bigint; free?: number | bigint; used?: number | bigint }): Ret;
  temperature(device: unknown, sensor: number, out: [number]): Ret;
  power(device: unknown, out: [number]): Ret;
  clock(device: unknown, type: number, out: [number]): Ret;
  /** Undefined when the library lacks nvmlDeviceGetComputeRunningProcesses_v3 (drivers before 510). */
  processes?: (device: unknown, count: [number], infos: Buffer | null) => Ret;
}

let types: { device: Koffi.TypeObject; utilization: Koffi.TypeObject; memory: Koffi.TypeObject } | undefined;

function sharedTypes(koffi: KoffiModule) {
  // koffi registers named types globally; anonymous ones can be created once and reused by every load.
  types ??= {
    device: koffi.pointer(koffi.opaque()),
    utilization: koffi.struct({ gpu: 'uint32_t', memory: 'uint32_t' }),
    memory: koffi.struct({ total: 'uint64_t', free: 'uint64_t', used: 'uint64_t' }),
  };
  return types;
}

/** A loaded NVML library: its functions and a way to unload it. */
export interface NvmlLibrary {
  readonly fn: NvmlFunctions;
  unload(): void;
}

/** dlopens `path` and binds the functions; throws (caught by the caller) when the library or a symbol is missing. */
export function loadNvml(path: string): NvmlLibrary {
  const koffi = loadKoffi();
  const lib = koffi.load(path);
  try {
    const t = sharedTypes(koffi);
    const u32Out = koffi.out(koffi.pointer('uint32_t'));
    const f = (name: string, args: unknown[]) => lib.func(name, 'int', args as Parameters<typeof koffi.type>[0][]) as (...a: unknown[]) => Ret;
    let processes: NvmlFunctions['processes'];
    try {
      processes = f('nvmlDeviceGetComputeRunningProcesses_v3', [t.device, koffi.inout(koffi.pointer('uint32_t')), 'void *']) as NvmlFunctions['processes'];
    } catch {
      processes = undefined;
    }
    const errorString = lib.func('nvmlErrorString', 'const char *', ['int']) as (code: Ret) => string;
    const fn: NvmlFunctions = {
      init: () => {
        const fn = f('nvmlInit_v2', []) as unknown as { async(cb: (err: unknown, ret: Ret) => void): void };
        return new Promise<Ret>((resolve, reject) => fn.async((err, ret) => (err ? reject(err) : resolve(ret))));
      },
      shutdown: f('nvmlShutdown', []) as NvmlFunctions['shutdown'],
      errorString: (code) => {
        try {
          return String(errorString(code) ?? `NVML error ${code}`);
        } catch {
          return `NVML error ${code}`;
        }
      },
      deviceCount: f('nvmlDeviceGetCount_v2', [u32Out]) as NvmlFunctions['deviceCount'],
      handleByIndex: f('nvmlDeviceGetHandleByIndex_v2', ['uint32_t', koffi.out(koffi.pointer(t.device))]) as NvmlFunctions['handleByIndex'],
      uuid: f('nvmlDeviceGetUUID', [t.device, 'void *', 'uint32_t']) as NvmlFunctions['uuid'],
      name: f('nvmlDeviceGetName', [t.device, 'void *', 'uint32_t']) as NvmlFunctions['name'],
      utilization: f('nvmlDeviceGetUtilizationRates', [t.device, koffi.out(koffi.pointer(t.utilization))]) as NvmlFunctions['utilization'],
      memory: f('nvmlDeviceGetMemoryInfo', [t.device, koffi.out(koffi.pointer(t.memory))]) as NvmlFunctions['memory'],
      temperature: f('nvmlDeviceGetTemperature', [t.device, 'int', u32Out]) as NvmlFunctions['temperature'],
      power: f('nvmlDeviceGetPowerUsage', [t.device, u32Out]) as NvmlFunctions['power'],
      clock: f('nvmlDeviceGetClockInfo', [t.device, 'int', u32Out]) as NvmlFunctions['clock'],
      processes,
    };
    return { fn, unload: () => lib.unload() };
  } catch (err) {
    lib.unload();
    throw err;
  }
}
