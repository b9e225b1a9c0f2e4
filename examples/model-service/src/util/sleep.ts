/**
 * Resolves after `ms` milliseconds without keeping the process alive (the HTTP server does that);
 * resolves early when `signal` aborts (the caller checks `signal.aborted`).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    timer.unref();
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** `base` milliseconds with ±`spread` relative jitter. */
export function jitter(base: number, spread: number, random: () => number = Math.random): number {
  return base * (1 - spread + 2 * spread * random());
}
