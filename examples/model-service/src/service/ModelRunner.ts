import type { Operation, Perfkit } from '@perfkit/core';
import type { GeneratePool } from '../generatePool';
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
 * Loads models and generates text as `model_operation` operations (`load`, `generate`). With a pool, generation
 * runs on a worker thread behind the pool's `generate` guard (bounded concurrency and queue; past its timeout
 * the guard aborts it, records outcome `timeout` and the pool replaces the worker); without one it is simulated
 * on the main thread and timed by hand with the same outcomes.
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
    private readonly pool?: GeneratePool,
  ) {
    this.loadOp = perf.operation('model_operation', 'load');
    this.generateOp = perf.operation('model_operation', 'generate');
    this.options = { loadBytesPerSecond: 12 * 1024 ** 3, msPerTokenPerBillion: 0.15, generateTimeoutMs: 5000, ...options };
  }

  /** Loads a downloaded model's weights. */
  load(state: ModelState): Promise<void> {
    return this.loadOp.track(async () => {
      await sleep(jitter((state.spec.sizeBytes / this.options.loadBytesPerSecond) * 1000, 0.25, this.random));
      state.isLoaded = true;
    });
  }

  /**
   * Generates up to `maxTokens` tokens from a loaded model. On the pool, `signal` (the caller's: the HTTP client
   * left) takes a queued job out of the queue and terminates a running one's worker (`GuardAbortedError`).
   */
  async generate(state: ModelState, prompt: string, maxTokens: number, signal?: AbortSignal): Promise<Generation> {
    if (this.pool) return this.generateOnPool(state, prompt, maxTokens, signal);
    const timer = this.generateOp.start();
    const deadline = AbortSignal.timeout(this.options.generateTimeoutMs);
    try {
      const generation = await this.decode(state, prompt, maxTokens, deadline);
      timer.end();
      return generation;
    } catch (err) {
      if (deadline.aborted) timer.end({ outcome: 'timeout' });
      else timer.fail(err);
      throw err;
    }
  }

  private async generateOnPool(state: ModelState, prompt: string, maxTokens: number, signal: AbortSignal | undefined): Promise<Generation> {
    const { completionTokens, durationMs } = this.plan(state, prompt, maxTokens);
    const isFailing = this.random() < this.knobs().generateFailureRate;
    const output = await this.pool!.generate({
      model: state.spec.name,
      prompt,
      completionTokens,
      durationMs,
      ...(isFailing ? { failWith: { code: ERROR_CODES.outOfMemory, message: `${state.spec.name}: out of accelerator memory for the KV cache` } } : {}),
    }, signal);
    state.requests++;
    return { model: output.model, promptTokens: output.promptTokens, completionTokens: output.completionTokens, text: output.text };
  }

  /** Tokens to produce and how long decoding takes (size of the model, jitter, the slowness knob). */
  private plan(state: ModelState, prompt: string, maxTokens: number): { promptTokens: number; completionTokens: number; durationMs: number } {
    const promptTokens = Math.max(1, Math.ceil(prompt.length / 4));
    const completionTokens = Math.max(1, Math.round(maxTokens * (0.5 + 0.5 * this.random())));
    const decodeMs = completionTokens * this.options.msPerTokenPerBillion * state.spec.paramsB;
    const durationMs = jitter(decodeMs + promptTokens * 0.05, 0.2, this.random) + this.knobs().generateDelayMs;
    return { promptTokens, completionTokens, durationMs };
  }

  private async decode(state: ModelState, prompt: string, maxTokens: number, signal: AbortSignal): Promise<Generation> {
    const { promptTokens, completionTokens, durationMs } = this.plan(state, prompt, maxTokens);
    await sleep(durationMs, signal);
    if (signal.aborted) throw deadlineError(state, this.options.generateTimeoutMs);
    if (this.random() < this.knobs().generateFailureRate) {
      throw new ModelServiceError(ERROR_CODES.outOfMemory, `${state.spec.name}: out of accelerator memory for the KV cache`, 503);
    }
    this.generateOp.addTokens(promptTokens + completionTokens);
    state.requests++;
    const text = Array.from({ length: Math.min(completionTokens, 64) }, (_, i) => WORDS[i % WORDS.length]).join(' ');
    return { model: state.spec.name, promptTokens, completionTokens, text };
  }
}

function deadlineError(state: ModelState, timeoutMs: number): ModelServiceError {
  return new ModelServiceError(ERROR_CODES.generateTimeout, `generate on ${state.spec.name} exceeded ${timeoutMs} ms`, 504);
}
