import { createHash } from 'node:crypto';
import type { Operation, OperationContext, Perfkit } from '@perfkit/core';
import { ERROR_CODES, ModelServiceError } from '../errors';
import type { Knobs } from '../knobs';
import type { ModelSpec } from '../models/catalog';
import type { ModelState } from '../models/ModelState';
import { jitter, sleep } from '../util/sleep';

const MiB = 1024 * 1024;

/** Tunables of the simulated transfer. */
export interface DownloaderOptions {
  /** Simulated link speed. */
  readonly bytesPerSecond: number;
  /** Attempts before giving up (the first one included). */
  readonly maxAttempts: number;
  /** Transfer granularity: bytes are counted (and a reset may happen) per chunk. */
  readonly chunkBytes: number;
  /** First retry back-off; doubles each retry. */
  readonly backoffMs: number;
}

/** What a finished download reports. */
export interface DownloadResult {
  readonly model: string;
  readonly bytes: number;
  readonly attempts: number;
  readonly sha256: string;
}

/**
 * Downloads model weights (simulated transfer, real SHA-256 integrity check) as one `download` operation:
 * every chunk adds bytes, every extra attempt is a retry, every verification an integrity check.
 * A connection reset or a checksum mismatch is retried with exponential back-off; the last attempt's
 * error is re-thrown so the failure is recorded with its cause as `error.type`.
 */
export class Downloader {
  private readonly op: Operation;
  private readonly options: DownloaderOptions;

  constructor(
    perf: Perfkit,
    private readonly knobs: () => Knobs,
    private readonly random: () => number = Math.random,
    options: Partial<DownloaderOptions> = {},
  ) {
    this.op = perf.operation('download', 'fetch-weights');
    this.options = { bytesPerSecond: 3 * 1024 * MiB, maxAttempts: 3, chunkBytes: 512 * MiB, backoffMs: 100, ...options };
  }

  /** Downloads `state`'s weights and marks it downloaded and healthy. */
  download(state: ModelState): Promise<DownloadResult> {
    return this.op.track(async (op) => {
      const { maxAttempts, backoffMs } = this.options;
      let bytes = 0;
      for (let attempt = 1; ; attempt++) {
        if (attempt > 1) {
          op.retry();
          await sleep(jitter(backoffMs * 2 ** (attempt - 2), 0.2, this.random));
        }
        const failure = this.random();
        const rate = this.knobs().downloadFailureRate;
        try {
          bytes += await this.transfer(state.spec, op, failure < rate / 2);
          const sha256 = verify(state.spec, failure >= rate / 2 && failure < rate);
          op.integrityCheck(sha256 !== undefined);
          if (sha256 === undefined) {
            throw new ModelServiceError(ERROR_CODES.integrityMismatch, `${state.spec.name}: SHA-256 of the weights does not match the manifest`, 502);
          }
          state.isDownloaded = true;
          state.isHealthy = true;
          state.isLoaded = false;
          return { model: state.spec.name, bytes, attempts: attempt, sha256 };
        } catch (err) {
          if (attempt >= maxAttempts) throw err;
        }
      }
    });
  }

  private async transfer(spec: ModelSpec, op: OperationContext, willReset: boolean): Promise<number> {
    const { chunkBytes, bytesPerSecond } = this.options;
    const chunks = Math.ceil(spec.sizeBytes / chunkBytes);
    const resetAt = willReset ? Math.floor(this.random() * chunks) : -1;
    let sent = 0;
    for (let i = 0; i < chunks; i++) {
      const size = Math.min(chunkBytes, spec.sizeBytes - sent);
      await sleep(jitter((size / bytesPerSecond) * 1000, 0.3, this.random));
      if (i === resetAt) {
        const partial = Math.floor(size * this.random());
        op.addBytes(partial);
        throw new ModelServiceError(ERROR_CODES.connectionReset, `${spec.name}: connection reset after ${sent + partial} bytes`, 502);
      }
      op.addBytes(size);
      sent += size;
    }
    return sent;
  }
}

const manifest = new Map<string, { sample: Buffer; sha256: string }>();

/** Hashes a deterministic sample of the weights; returns the digest, or undefined when it does not match. */
function verify(spec: ModelSpec, isCorrupted: boolean): string | undefined {
  let entry = manifest.get(spec.name);
  if (!entry) {
    const sample = createHash('sha512').update(spec.name).digest();
    const data = Buffer.alloc(64 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = sample[i % sample.length]! ^ (i & 0xff);
    entry = { sample: data, sha256: createHash('sha256').update(data).digest('hex') };
    manifest.set(spec.name, entry);
  }
  const hash = createHash('sha256').update(entry.sample);
  if (isCorrupted) hash.update(Buffer.from([0x01]));
  const digest = hash.digest('hex');
  return digest === entry.sha256 ? digest : undefined;
}
