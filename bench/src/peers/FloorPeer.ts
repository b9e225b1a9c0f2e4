import { asyncWork, syncWork, type RecordSubject } from './work';

/**
 * The floor: what any timing instrumentation must do at least, two `performance.now()` reads and one
 * typed-array increment. No peer can go below it.
 */
export function floorRecord(): RecordSubject {
  const counts = new Float64Array(16);
  const once = (): number => {
    const t0 = performance.now();
    const s = syncWork();
    counts[performance.now() - t0 > 100 ? 1 : 0]!++;
    return s;
  };
  return {
    syncTrack(n) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        s += syncWork();
        counts[performance.now() - t0 > 100 ? 1 : 0]!++;
      }
      return s;
    },
    async asyncTrack(n) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        s += await asyncWork();
        counts[performance.now() - t0 > 100 ? 1 : 0]!++;
      }
      return s;
    },
    startEnd(n) {
      let s = 0;
      for (let i = 0; i < n; i++) s += once();
      return s;
    },
    unbound() {
      return (n) => {
        let s = 0;
        for (let i = 0; i < n; i++) s += once();
        return s;
      };
    },
    shutdown: async () => undefined,
  };
}
