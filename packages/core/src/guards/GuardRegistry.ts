import type { Meter } from '@opentelemetry/api';
import type { DiagLogger } from '../diag';
import { PerfkitError } from '../errors';
import { GuardMetrics } from './GuardMetrics';
import type { GuardQueueWaits } from './GuardQueueWaits';
import { resolveGuardOptions } from './GuardOptions';
import { GuardRunner, type OperationLookup } from './GuardRunner';
import type { Guard } from './types';

/** The guards of one perfkit instance: creates them (one per name), owns their shared instruments, shuts them down. */
export class GuardRegistry {
  private readonly guards = new Map<string, GuardRunner>();
  private metrics: GuardMetrics | undefined;
  private isShutDown = false;

  constructor(
    private readonly meter: Meter,
    private readonly lookup: OperationLookup,
    private readonly diag: DiagLogger,
    /** Where the guards' queue waits are kept (collected by perfkit's readers). */
    private readonly queueWaits: GuardQueueWaits,
  ) {}

  /** Validates the options and creates a guard; throws `PerfkitConfigError` or `PERFKIT_ERR_INVALID_GUARD`. */
  create(input: unknown): Guard {
    const options = resolveGuardOptions(input);
    if (this.guards.has(options.name)) {
      throw new PerfkitError('PERFKIT_ERR_INVALID_GUARD', {
        detail: `guard.name = "${options.name}": a guard with this name exists already (its metrics would mix); reuse it or pick another name`,
      });
    }
    // Instruments are made with the first guard, so an instance without guards exports no guard families.
    this.metrics ??= new GuardMetrics(this.meter, this.queueWaits);
    const guard = new GuardRunner(Object.freeze(options), this.lookup, this.metrics, this.diag);
    this.guards.set(options.name, guard);
    // A guard made after perf.shutdown() refuses its runs like every other guard of this instance.
    if (this.isShutDown) guard.shutdown();
    return guard;
  }

  /** The guard with this name, if any. */
  get(name: string): Guard | undefined {
    return this.guards.get(name);
  }

  /** Every guard, in creation order. */
  list(): Guard[] {
    return [...this.guards.values()];
  }

  /** Shuts every guard down (queued work is refused). Idempotent. */
  shutdown(): void {
    this.isShutDown = true;
    for (const guard of this.guards.values()) guard.shutdown();
  }
}
