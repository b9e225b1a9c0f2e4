import { redactUrl } from '@perfkit/core';
import type { RunningExample } from './app';
import type { ExampleOptions } from './cli';

/** What starts the one machine-readable line the example prints once it serves. */
export const READY_PREFIX = 'PERFKIT_EXAMPLE_READY ';

/**
 * The READY line's fields: every URL of {@link RunningExample.urls} under its own name, and facts about the process.
 * A URL named like a fact would be lost under it (`sla` once was both the `GET /sla` URL and the spec path): refused.
 */
export function readyFields(running: Pick<RunningExample, 'urls' | 'perf' | 'slaPath'>, options: Pick<ExampleOptions, 'traffic' | 'trafficRate'>, pid = process.pid) {
  const { urls, perf } = running;
  const facts = {
    serviceName: perf.config.serviceName,
    instanceId: String(perf.resource.attributes['service.instance.id']),
    otlp: perf.config.otlp ? redactUrl(perf.config.otlp.url) : null, // user info never printed
    traffic: options.traffic ? options.trafficRate : 0, // generated requests per second
    pid,
    slaSpec: running.slaPath ?? null, // the SLA spec file in use
  };
  const clash = Object.keys(urls).find((name) => name in facts);
  if (clash !== undefined) throw new Error(`the URL "${clash}" has the name of a READY line fact: rename one`);
  return { ...urls, ...facts };
}

/** What the READY line carries. */
export type ExampleReady = ReturnType<typeof readyFields>;

/** The READY line, `PERFKIT_EXAMPLE_READY {json}`, without its line break. */
export function readyLine(fields: ExampleReady): string {
  return `${READY_PREFIX}${JSON.stringify(fields)}`;
}
