/** Resolves after `ms` milliseconds without keeping the process alive (the HTTP server does that). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, Math.max(0, ms)).unref();
  });
}

/** `base` milliseconds with ±`spread` relative jitter. */
export function jitter(base: number, spread: number, random: () => number = Math.random): number {
  return base * (1 - spread + 2 * spread * random());
}
