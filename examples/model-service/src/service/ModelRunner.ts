import type { Operation, Perfkit } from '@perfkit/core';
import { ERROR_CODES, ModelServiceError } from '../errors';
import type { Knobs } from '../knobs';
import type { ModelState } from '../models/ModelState';
import { jitter, sleep } from '../util/sleep';

/** Tunables of the simulated inference. */
export interface RunnerOptions {
  /** Simulated disk-to-accelerator load speed. */
  readonly loadBytesPerSecond: number;
  /** Simulated decode time per generated token, for a 1B-parameter model (scales with size). */
  readonly msPerTokenPerBillion: number;
  /** Generate calls running longer end with outcome `timeout`. */
  readonly generateTimeoutMs: number;
}

/** What a generate call returns. */
export interface Generation {
  readonly model: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly text: string;
}

const WORDS = ['the', 'model', 'weights', 'are', 'loaded', 'and', 'healthy', 'latency', 'stays', 'low', 'tokens', 'flow'];

/**
 * Loads models and generates text as `model_operation` operations (`load`, `generate`). Generation is timed
 * by hand so that a call that runs past its deadline ends with outcome `timeout` rather than `failure`.
 */
export class ModelRunner {
  private readonly loadOp: Operation;
  private readonly generateOp: Operation;
  private readonly options: RunnerOptions;

  constructor(
    perf: Perfkit,
    private readonly knobs: () => Knobs,
    private readonly random: () => number = Math.random,
    options: Partial<RunnerOptions> = {},
  ) {
    this.loadOp = perf.operation('model_operation', 'load');
    this.generateOp = perf.operation('model_operation', 'generate');
    this.options = { loadBytesPerSecond: 12 * 1024 ** 3, msPerTokenPerBillion: 0.35, generateTimeoutMs: 5000, ...options };
  }

  /** Loads a downloaded model's weights. */
  load(state: ModelState): Promise<void> {
    return this.loadOp.track(async () => {
      await sleep(jitter((state.spec.sizeBytes / this.options.loadBytesPerSecond) * 1000, 0.25, this.random));
      state.isLoaded = true;
    });
  }

  /** Generates up to `maxTokens` tokens from a loaded model. */
  async generate(state: ModelState, prompt: string, maxTokens: number): Promise<Generation> {
    const timer = this.generateOp.start();
    const promptTokens = Math.max(1, Math.ceil(prompt.length / 4));
    const completionTokens = Math.max(1, Math.round(maxTokens * (0.5 + 0.5 * this.random())));
    const knobs = this.knobs();
    const decodeMs = completionTokens * this.options.msPerTokenPerBillion * state.spec.paramsB;
    const totalMs = jitter(decodeMs + promptTokens * 0.05, 0.2, this.random) + knobs.generateDelayMs;
    if (totalMs > this.options.generateTimeoutMs) {
      await sleep(this.options.generateTimeoutMs);
      timer.end({ outcome: 'timeout' });
      throw new ModelServiceError(ERROR_CODES.generateTimeout, `generate on ${state.spec.name} exceeded ${this.options.generateTimeoutMs} ms`, 504);
    }
    await sleep(totalMs);
    if (this.random() < knobs.generateFailureRate) {
      const err = new ModelServiceError(ERROR_CODES.outOfMemory, `${state.spec.name}: out of accelerator memory for the KV cache`, 503);
      timer.fail(err);
      throw err;
    }
    this.generateOp.addTokens(promptTokens + completionTokens);
    timer.end();
    state.requests++;
    const text = Array.from({ length: Math.min(completionTokens, 64) }, (_, i) => WORDS[i % WORDS.length]).join(' ');
    return { model: state.spec.name, promptTokens, completionTokens, text };
  }
}
