import type { Perfkit } from '@perfkit/core';
import { createGeneratePool, type GeneratePool } from '../generatePool';
import { ERROR_CODES, ModelServiceError } from '../errors';
import type { Knobs } from '../knobs';
import { MODEL_CATALOG, type ModelSpec } from '../models/catalog';
import { initialState, type ModelState } from '../models/ModelState';
import { AnalyticsCollector, type AnalyticsSummary } from './AnalyticsCollector';
import { Downloader, type DownloadResult } from './Downloader';
import { FallbackSelector } from './FallbackSelector';
import { HealthChecker, type HealthReport } from './HealthChecker';
import { ModelRunner, type Generation } from './ModelRunner';

/** Options of the service (intervals of its background work). */
export interface ModelServiceOptions {
  readonly knobs: () => Knobs;
  readonly healthCheckIntervalMs: number;
  readonly analyticsIntervalMs: number;
  readonly generateTimeoutMs?: number;
  /** Worker threads for generate (the `generate` guard's maxConcurrent); more calls wait in its queue. 0 = main thread. */
  readonly generateWorkers?: number;
  readonly random?: () => number;
  readonly catalog?: readonly ModelSpec[];
}

/** A generation, with the fallback that served it if any. */
export interface GenerateResult extends Generation {
  readonly requestedModel: string;
  readonly fallback?: { readonly compatibilityScore: number; readonly alternativesConsidered: number };
}

/**
 * The model service: downloads on demand, health-checks periodically, falls back to a compatible model
 * while one is unhealthy (and repairs it in the background), loads and generates, and collects usage analytics.
 */
export class ModelService {
  private readonly models = new Map<string, ModelState>();
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly downloader: Downloader;
  private readonly health: HealthChecker;
  private readonly fallback: FallbackSelector;
  private readonly runner: ModelRunner;
  private readonly analytics: AnalyticsCollector;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly pool: GeneratePool | undefined;

  constructor(private readonly perf: Perfkit, private readonly options: ModelServiceOptions) {
    const random = options.random ?? Math.random;
    for (const spec of options.catalog ?? MODEL_CATALOG) this.models.set(spec.name, initialState(spec));
    this.downloader = new Downloader(perf, options.knobs, random);
    this.health = new HealthChecker(perf, options.knobs, random);
    this.fallback = new FallbackSelector(perf, random);
    const generateTimeoutMs = options.generateTimeoutMs ?? 5000;
    const workers = options.generateWorkers ?? 4;
    this.pool = workers > 0 ? createGeneratePool(perf, { size: workers, maxQueue: 64, queueTimeoutMs: 2000, timeoutMs: generateTimeoutMs }) : undefined;
    this.runner = new ModelRunner(perf, options.knobs, random, { generateTimeoutMs }, this.pool);
    this.analytics = new AnalyticsCollector(perf, random);
  }

  /** Starts the periodic health checks and analytics collection. */
  start(): void {
    const every = (ms: number, fn: () => Promise<unknown>) => {
      const timer = setInterval(() => fn().catch((err: unknown) => this.perf.diag.debug('background task failed', err)), ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.healthCheckIntervalMs, () => this.checkAll());
    every(this.options.analyticsIntervalMs, () => this.analytics.collect());
  }

  /** Stops the periodic health checks and analytics collection (requests keep being served). */
  stopBackground(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
  }

  /** Stops the background work, refuses queued generate calls and terminates the generate workers. */
  async stop(): Promise<void> {
    this.stopBackground();
    await this.pool?.close();
  }

  /** Every model and its state. */
  list(): ModelState[] {
    return [...this.models.values()];
  }

  /** One model's state; throws MODEL_NOT_FOUND. */
  get(name: string): ModelState {
    const state = this.models.get(name);
    if (!state) throw new ModelServiceError(ERROR_CODES.modelNotFound, `unknown model ${JSON.stringify(String(name).slice(0, 100))}`, 404);
    return state;
  }

  /** Downloads a model (again); concurrent calls for one model share the transfer. */
  download(name: string): Promise<DownloadResult> {
    const state = this.get(name);
    return this.once(`download:${name}`, () => this.downloader.download(state));
  }

  /** Health-checks one downloaded model. */
  async checkHealth(name: string): Promise<HealthReport> {
    const state = this.get(name);
    if (!state.isDownloaded) await this.download(name);
    return this.health.check(state);
  }

  /** Loads a model, downloading it first if needed. */
  async load(name: string): Promise<ModelState> {
    const state = this.get(name);
    await this.ensureReady(state);
    return state;
  }

  /**
   * Generates text, falling back to a compatible model while the requested one is unhealthy. `signal` is the
   * caller's: once it aborts, a job still waiting for a generate worker is dropped and a running one's worker
   * terminated (main-thread generate, without workers, ignores it).
   */
  async generate(name: string, prompt: string, maxTokens: number, signal?: AbortSignal): Promise<GenerateResult> {
    const wanted = this.get(name);
    let target = wanted;
    let fallback: GenerateResult['fallback'];
    if (!wanted.isHealthy) {
      const choice = await this.fallback.select(wanted, this.list());
      target = choice.chosen;
      fallback = { compatibilityScore: choice.compatibilityScore, alternativesConsidered: choice.alternativesConsidered };
      this.download(name).catch((err: unknown) => this.perf.diag.debug(`repair of ${name} failed`, err));
    }
    await this.ensureReady(target);
    const generation = await this.runner.generate(target, prompt, maxTokens, signal);
    this.analytics.record({ model: target.spec.name, tokens: generation.promptTokens + generation.completionTokens, isFallback: !!fallback, at: Date.now() });
    return { ...generation, requestedModel: name, ...(fallback ? { fallback } : {}) };
  }

  /** Runs an analytics collection now. */
  collectAnalytics(): Promise<AnalyticsSummary> {
    return this.analytics.collect();
  }

  /** Health-checks every downloaded model. */
  async checkAll(): Promise<HealthReport[]> {
    const downloaded = this.list().filter((m) => m.isDownloaded);
    return Promise.all(downloaded.map((m) => this.once(`health:${m.spec.name}`, () => this.health.check(m))));
  }

  private async ensureReady(state: ModelState): Promise<void> {
    if (!state.isDownloaded) await this.download(state.spec.name);
    if (!state.isLoaded) await this.once(`load:${state.spec.name}`, () => this.runner.load(state));
  }

  private once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const running = this.inflight.get(key) as Promise<T> | undefined;
    if (running) return running;
    const promise = fn().finally(() => this.inflight.delete(key));
    this.inflight.set(key, promise);
    return promise;
  }
}
