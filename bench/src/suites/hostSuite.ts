import type { Suite } from './suite';

/** Loads `@perfkit/host` if it offers `hostMetrics` yet (it is built beside this suite). */
async function loadHost(): Promise<Record<string, unknown> | undefined> {
  try {
    // Loaded by name at run time, so the bench builds whatever state the host package is in.
    const specifier = '@perfkit/host';
    const mod = (await import(specifier)) as Record<string, unknown>;
    return typeof mod.hostMetrics === 'function' ? mod : undefined;
  } catch {
    return undefined;
  }
}

/** Host: the cost of one collection of host, process and GPU gauges, per GPU back end. */
export const hostSuite: Suite = {
  name: 'host',
  title: 'Host collection (cost of one collection per back end)',
  async run() {
    const host = await loadHost();
    if (!host) return { figures: [], notes: [], skipped: '@perfkit/host does not export hostMetrics() yet' };
    return { figures: [], notes: [], skipped: '@perfkit/host landed after this suite was written: host figures are not measured yet' };
  },
};
