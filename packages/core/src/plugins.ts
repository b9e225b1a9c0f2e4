import type { Meter } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { DiagLogger } from './diag';
import type { Perfkit } from './Perfkit';

/** What a plug-in gets when it starts: a meter on the same pipeline, the logger, the resource. */
export interface PluginContext {
  /** OpenTelemetry meter whose instruments reach `/metrics` and OTLP. */
  readonly meter: Meter;
  /** Where background failures go; never throws. */
  readonly diag: DiagLogger;
  /** The service's resource. */
  readonly resource: Resource;
  /** The perfkit instance (its read side: snapshots, active operations). */
  readonly perf: Perfkit;
  /**
   * Makes `value` available as `perf[name]` (e.g. the SLA plug-in exposes `perf.sla`); the plug-in's package
   * declares the property by augmenting the `Perfkit` interface. A name already taken is refused with a warning.
   */
  expose(name: string, value: unknown): void;
}

/** Something that plugs into perfkit from a floor above: host collectors, SLA evaluation, the dashboard. */
export interface PerfkitPlugin {
  /** Unique name; `perf.plugin(name)` finds it. */
  readonly name: string;
  /** Called once by `perf.use()`; a throw or rejection is reported to the logger. */
  start(context: PluginContext): void | Promise<void>;
  /** Called once by `perf.shutdown()`, in reverse order of `use()`. */
  shutdown?(): void | Promise<void>;
}
