/**
 * Polls `fn` until it returns a truthy value (a throw counts as "not yet"); resolves with that value.
 * Rejects after `timeoutMs` with the last error or value seen, so a failing test says why.
 */
export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 200): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const why = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`waitFor: condition not met within ${timeoutMs} ms (last: ${why})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
