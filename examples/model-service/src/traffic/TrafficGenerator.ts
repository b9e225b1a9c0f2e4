import type { DiagLogger } from '@perfkit/core';
import { MODEL_CATALOG } from '../models/catalog';

/** One request the generator may send, with its share of the traffic. */
interface Action {
  readonly weight: number;
  readonly request: (model: string) => { method: string; path: string; body?: unknown };
}

const ACTIONS: readonly Action[] = [
  { weight: 0.86, request: (model) => ({ method: 'POST', path: '/generate', body: { model, prompt: 'Summarise the incident report in three sentences.', maxTokens: 64 + Math.floor(Math.random() * 192) } }) },
  { weight: 0.04, request: (model) => ({ method: 'POST', path: `/models/${model}/download` }) },
  { weight: 0.05, request: (model) => ({ method: 'POST', path: `/models/${model}/load` }) },
  { weight: 0.05, request: (model) => ({ method: 'POST', path: `/models/${model}/health-check` }) },
];

/** Popularity of the models: most traffic goes to the first, a long tail to the others. */
const MODEL_WEIGHTS = [0.5, 0.2, 0.15, 0.1, 0.05];

function pick<T>(items: readonly T[], weights: readonly number[], random: () => number): T {
  let r = random() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < items.length; i++) {
    r -= weights[i]!;
    if (r <= 0) return items[i]!;
  }
  return items[items.length - 1]!;
}

/**
 * Drives realistic traffic against the service's own HTTP API (so requests take the same path a user's do):
 * Poisson arrivals at `ratePerSecond`, mostly generate calls on a popular model, some downloads, loads and
 * on-demand health checks. At most `maxInFlight` requests run at once, so an injected slowdown cannot pile up.
 */
export class TrafficGenerator {
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private sent = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly ratePerSecond: number,
    private readonly diag: DiagLogger,
    private readonly random: () => number = Math.random,
    private readonly maxInFlight = 32,
  ) {}

  /** Starts sending. */
  start(): void {
    if (this.timer || this.ratePerSecond <= 0) return;
    this.scheduleNext();
  }

  /** Stops sending (requests in flight finish on their own). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Requests sent so far. */
  requestsSent(): number {
    return this.sent;
  }

  private scheduleNext(): void {
    const delayMs = (-Math.log(1 - this.random()) / this.ratePerSecond) * 1000;
    this.timer = setTimeout(() => {
      this.fire();
      if (this.timer) this.scheduleNext();
    }, Math.min(delayMs, 60_000));
    this.timer.unref();
  }

  private fire(): void {
    if (this.inFlight >= this.maxInFlight) return;
    const model = pick(MODEL_CATALOG, MODEL_WEIGHTS, this.random).name;
    const { method, path, body } = pick(ACTIONS, ACTIONS.map((a) => a.weight), this.random).request(model);
    this.inFlight++;
    this.sent++;
    fetch(this.baseUrl + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    })
      .then((res) => res.arrayBuffer())
      .catch((err: unknown) => this.diag.debug(`traffic ${method} ${path} failed`, err))
      .finally(() => this.inFlight--);
  }
}
