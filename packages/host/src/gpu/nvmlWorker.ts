import type { MessagePort } from 'node:worker_threads';
import { loadNvml } from './NvmlLibrary';
import { NvmlSampleError, NvmlSampler } from './nvmlSampler';

/** What the main thread hands the NVML worker. */
export interface NvmlWorkerData {
  readonly modulePath: string;
  readonly path: string;
  readonly maxProcesses: number;
}

/** Messages from the NVML worker. */
export type NvmlWorkerMessage =
  | { readonly type: 'init'; readonly ok: true; readonly missing: readonly string[] }
  | { readonly type: 'init'; readonly ok: false; readonly message: string }
  | { readonly type: 'sample'; readonly id: number; readonly devices?: unknown[]; readonly error?: string; readonly code?: number }
  | { readonly type: 'report'; readonly key: string; readonly message: string }
  | { readonly type: 'closed' };

/**
 * The NVML worker thread's body: dlopen + nvmlInit_v2, then one synchronous sample per `sample` request and
 * nvmlShutdown + unload on `close`. Every NVML call happens here, so a call that hangs (a GPU fallen off the bus,
 * a wedged driver) holds this thread, never the service's event loop.
 */
export function runNvmlWorker(port: MessagePort, data: NvmlWorkerData): void {
  const post = (m: NvmlWorkerMessage) => port.postMessage(m);
  let lib: ReturnType<typeof loadNvml>;
  try {
    lib = loadNvml(data.path);
  } catch (err) {
    post({ type: 'init', ok: false, message: (err as Error).message });
    return;
  }
  let ret: number;
  try {
    ret = lib.fn.init();
  } catch (err) {
    lib.unload();
    post({ type: 'init', ok: false, message: (err as Error).message });
    return;
  }
  if (ret !== 0) {
    const message = lib.fn.errorString(ret);
    lib.unload();
    post({ type: 'init', ok: false, message: `nvmlInit_v2 failed: ${message} (${ret})` });
    return;
  }
  const sampler = new NvmlSampler(lib.fn, data.maxProcesses, (key, message) => post({ type: 'report', key, message }));
  post({ type: 'init', ok: true, missing: lib.missing });
  port.on('message', (m: { type: string; id?: number }) => {
    if (m.type === 'sample') {
      try {
        post({ type: 'sample', id: m.id!, devices: sampler.sample() });
      } catch (err) {
        post({ type: 'sample', id: m.id!, error: (err as Error).message, code: err instanceof NvmlSampleError ? err.code : undefined });
      }
    } else if (m.type === 'close') {
      try {
        lib.fn.shutdown();
      } catch {
        // the library is going away either way
      }
      lib.unload();
      post({ type: 'closed' });
      port.close();
    }
  });
}

/**
 * The worker's entry, run with `new Worker(NVML_WORKER_SOURCE, { eval: true })`: it requires this module (compiled
 * JavaScript in a build; the TypeScript source through @swc/core in this repository's tests, as jest runs it).
 */
export const NVML_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
if (workerData.modulePath.endsWith('.ts')) {
  const fs = require('node:fs');
  const { transformSync } = require('@swc/core');
  require.extensions['.ts'] = (m, f) => m._compile(transformSync(fs.readFileSync(f, 'utf8'), { filename: f, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }).code, f);
}
require(workerData.modulePath).runNvmlWorker(parentPort, workerData);
`;

/** The path the worker requires (this module). */
export const NVML_WORKER_MODULE = __filename;
