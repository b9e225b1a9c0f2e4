import type { DiagLogger } from '@perfkit/core';
import type { ResolvedHostConfig } from '../config';
import type { GpuBackendName, GpuSample } from '../types';
import type { GpuBackend } from './GpuBackend';
import { NvidiaSmiBackend } from './NvidiaSmiBackend';
import { NvmlBackend } from './NvmlBackend';

/**
 * Picks the GPU back end on the first collection (never at import or construction time) in the order NVML, then
 * the nvidia-smi loop, then none. "None" is final: one diagnostic line says why, and nothing is retried. NVML that
 * worked and then fails as a whole (in `nvml` and `auto` mode alike) is shut down and re-initialised after
 * restartDelayMs, doubling per failure up to maxRestartDelayMs.
 */
export class GpuCollector {
  private backend: GpuBackend | undefined;
  private smi: NvidiaSmiBackend | undefined;
  private isResolved = false;
  private isClosed = false;
  /** NVML failed at run time: when to try nvmlInit again, and the delay after that (doubles up to maxRestartDelayMs). */
  private retry: { at: number; delayMs: number } | undefined;
  private reopening: Promise<void> | undefined;

  constructor(
    private readonly config: ResolvedHostConfig,
    private readonly diag: DiagLogger,
  ) {}

  /** The back end answering now ('none' until one has produced a sample). */
  backendName(): GpuBackendName {
    if (this.backend) return this.backend.name;
    if (this.smi?.answered) return 'nvidia-smi';
    return 'none';
  }

  /** The devices of the last fresh sample. */
  devices(): readonly GpuSample[] {
    return this.backend?.devices() ?? this.smi?.devices() ?? [];
  }

  async collect(): Promise<void> {
    if (this.isClosed) return;
    if (!this.isResolved) {
      this.isResolved = true;
      await this.resolve();
    }
    if (this.retry && !this.backend && Date.now() >= this.retry.at) await (this.reopening ??= this.reopen().finally(() => (this.reopening = undefined)));
    await this.backend?.sample();
    const failure = this.backend instanceof NvmlBackend ? this.backend.takeFailure() : undefined;
    if (failure) await this.failed(failure);
  }

  /** NVML failed as a whole (GPU lost, driver unloaded): shut it down and re-initialise later, with back-off. */
  private async failed(reason: string): Promise<void> {
    const backend = this.backend;
    this.backend = undefined;
    const delayMs = this.retry ? Math.min(this.config.maxRestartDelayMs, this.retry.delayMs * 2) : this.config.restartDelayMs;
    this.retry = { at: Date.now() + delayMs, delayMs };
    this.diag.warn(`host gpu: NVML failed (${reason}); re-initialising in ${delayMs} ms`);
    await backend?.close();
  }

  private async reopen(): Promise<void> {
    try {
      const backend = await NvmlBackend.open(this.config.nvmlLibrary, this.diag, this.config.maxGpuProcesses, this.config.nvmlTimeoutMs);
      if (this.isClosed) return void (await backend.close());
      this.backend = backend;
      this.retry = undefined;
      this.diag.info('host gpu: NVML re-initialised');
    } catch (err) {
      const delayMs = Math.min(this.config.maxRestartDelayMs, (this.retry?.delayMs ?? this.config.restartDelayMs) * 2);
      this.retry = { at: Date.now() + delayMs, delayMs };
      this.diag.debug(`host gpu: NVML still unavailable (${(err as Error).message}); next try in ${delayMs} ms`);
    }
  }

  private async resolve(): Promise<void> {
    const mode = this.config.gpu;
    if (mode === false) return;
    const reasons: string[] = [];
    if (mode === 'auto' || mode === 'nvml') {
      try {
        const backend = await NvmlBackend.open(this.config.nvmlLibrary, this.diag, this.config.maxGpuProcesses, this.config.nvmlTimeoutMs);
        // shutdown() may have run while nvmlInit was in flight: release at once instead of leaking the handle.
        if (this.isClosed) {
          await backend.close();
          return;
        }
        this.backend = backend;
        this.diag.info(`host gpu: using NVML (${this.config.nvmlLibrary})`);
        return;
      } catch (err) {
        reasons.push(`NVML: ${(err as Error).message}`);
      }
    }
    if (this.isClosed) return;
    if (mode === 'nvml') {
      this.diag.warn(`host gpu: no GPU metrics (${reasons.join('; ')})`);
      return;
    }
    this.smi = new NvidiaSmiBackend({
      path: this.config.nvidiaSmiPath,
      intervalMs: this.config.gpuIntervalMs,
      restartDelayMs: this.config.restartDelayMs,
      maxRestartDelayMs: this.config.maxRestartDelayMs,
      giveUpIfNeverAnswered: mode === 'auto',
      diag: this.diag,
      onGiveUp: (reason) => {
        reasons.push(`nvidia-smi: ${reason}`);
        // On a machine without a GPU this is expected, so 'auto' says it at info level, once.
        this.diag.info(`host gpu: no GPU metrics (${reasons.join('; ')})`);
        this.smi = undefined;
      },
    });
    this.smi.start();
  }

  async close(): Promise<void> {
    this.isClosed = true;
    const backend = this.backend;
    const smi = this.smi;
    this.backend = undefined;
    this.smi = undefined;
    await Promise.all([backend?.close(), smi?.close()]);
  }
}
