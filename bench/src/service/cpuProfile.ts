/** The parts of a V8 `.cpuprofile` (node --cpu-prof) that the attribution reads. */
export interface CpuProfile {
  readonly nodes: ReadonlyArray<{ readonly id: number; readonly callFrame: { readonly functionName: string; readonly url: string }; readonly children?: readonly number[] }>;
  readonly startTime: number;
  readonly samples: readonly number[];
  /** Microseconds before each sample (the first is from startTime). */
  readonly timeDeltas: readonly number[];
}

/** Who a frame belongs to: a perfkit package file, an OpenTelemetry package, the application, or nobody. */
export function frameOwner(url: string, functionName: string): string | undefined {
  let m = /packages\/(core|dashboard|host|sla)\/dist\/(.*)\.js$/.exec(url);
  if (m) return `perfkit ${m[1]}/${m[2]} ${functionName || '(anonymous)'}`;
  m = /node_modules\/(@opentelemetry\/[^/]+)/.exec(url);
  if (m) return `otel ${m[1]}`;
  if (url.includes('examples/') || url.includes('[worker eval]')) return 'app';
  return undefined;
}

/**
 * Busy time of one thread by owner, in ms: each sample goes to the nearest perfkit, OpenTelemetry or application
 * frame on its stack, so time in Node's internals counts for whoever called them (a sample with no such frame
 * counts as `node/v8: <leaf>`); idle samples are left out. A sample's time is the gap to the next one, capped at
 * `capUs` (a thread descheduled on a loaded machine would otherwise lend a whole time slice to one frame).
 * Samples before `skipUs` (after the profile's start) are left out.
 */
export function busyByOwner(profile: CpuProfile, opts: { readonly skipUs?: number; readonly capUs?: number } = {}): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const owners = new Map<number, string | null>();
  const ownerOf = (id: number): string | null => {
    const known = owners.get(id);
    if (known !== undefined) return known;
    const leaf = byId.get(id)!.callFrame;
    let owner: string | null = leaf.functionName === '(idle)' ? null : `node/v8: ${leaf.functionName || '(anonymous)'}`;
    for (let x: number | undefined = id; owner !== null && x !== undefined; x = parent.get(x)) {
      const cf = byId.get(x)!.callFrame;
      const found = frameOwner(cf.url, cf.functionName);
      if (found) {
        owner = found;
        break;
      }
    }
    owners.set(id, owner);
    return owner;
  };
  const out = new Map<string, number>();
  const skipUntil = profile.startTime + (opts.skipUs ?? 0);
  const cap = opts.capUs ?? Infinity;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i]!;
    if (t < skipUntil) continue;
    const owner = ownerOf(profile.samples[i]!);
    if (owner === null) continue;
    out.set(owner, (out.get(owner) ?? 0) + Math.min(profile.timeDeltas[i + 1] ?? 0, cap) / 1000);
  }
  return out;
}

/** Owners summed into groups: core's guards, cluster and the rest, the other packages, OpenTelemetry, app, Node/V8. */
export function ownerGroup(owner: string): string {
  const m = /^perfkit (core\/(guards|cluster)|core|host|dashboard|sla)\b/.exec(owner);
  if (m) return `perfkit ${m[1]}`;
  return owner.startsWith('node/v8') ? 'node/v8 (no perfkit or app frame)' : owner.split(' ')[0]!;
}
