import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** A drain in progress: `done` settles once every connection is closed. */
export interface DrainHandle {
  /** Resolves when the server has closed (all in-flight requests answered, or cut at the bound). */
  readonly done: Promise<{ forced: boolean }>;
  /** Requests still being answered. */
  inFlight(): number;
  /** Brings the bound forward to `ms` from now (never later than it was). */
  shorten(ms: number): void;
}

/**
 * Stops `server` accepting connections and lets the requests in flight finish, for at most `timeoutMs`; then cuts
 * what is left. Keep-alive connections are closed as soon as they are idle, and answers sent during the drain say
 * `connection: close`, so clients do not send more on them.
 */
export function drainServer(server: Server, timeoutMs: number): DrainHandle {
  let active = 0;
  let forced = false;
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    active++;
    if (!res.headersSent) res.setHeader('connection', 'close');
    res.once('close', () => {
      active--;
      server.closeIdleConnections();
    });
    void req;
  };
  // Requests that arrive on open keep-alive connections from now on are answered, then their connection closes.
  server.prependListener('request', onRequest);
  // Requests already in flight when the drain starts: count them through their sockets' pending answers.
  const counted = countInFlight(server);
  active += counted.count;
  counted.onEach(() => {
    active--;
    server.closeIdleConnections();
  });

  let deadline = Date.now() + timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      forced = active > 0;
      server.closeAllConnections();
    }, Math.max(0, deadline - Date.now()));
    timer.unref();
  };
  const done = new Promise<{ forced: boolean }>((resolve) => {
    if (!server.listening) {
      server.closeAllConnections();
      return resolve({ forced: false });
    }
    server.close(() => {
      clearTimeout(timer);
      server.off('request', onRequest);
      resolve({ forced });
    });
    server.closeIdleConnections();
  });
  arm();
  return {
    done,
    inFlight: () => Math.max(0, active),
    shorten(ms: number) {
      const next = Date.now() + Math.max(0, ms);
      if (next < deadline) {
        deadline = next;
        arm();
      }
    },
  };
}

const RESPONSES = Symbol('perfkit.responses');

/** Responses the server is writing now (tracked from the first call on, see {@link trackResponses}). */
function countInFlight(server: Server): { count: number; onEach(fn: () => void): void } {
  const open = (server as unknown as Record<symbol, Set<ServerResponse> | undefined>)[RESPONSES] ?? new Set<ServerResponse>();
  const pending = [...open].filter((r) => !r.writableFinished && !r.destroyed);
  return {
    count: pending.length,
    onEach(fn) {
      for (const r of pending) r.once('close', fn);
    },
  };
}

/**
 * Keeps count of the responses in flight on `server` so a later drain knows what it waits for. Installed by
 * {@link gracefulShutdown}; call it yourself if you call {@link drainServer} directly.
 */
export function trackResponses(server: Server): void {
  const holder = server as unknown as Record<symbol, Set<ServerResponse> | undefined>;
  if (holder[RESPONSES]) return;
  const open = new Set<ServerResponse>();
  holder[RESPONSES] = open;
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    open.add(res);
    res.once('close', () => open.delete(res));
  });
}

/** Options of {@link gracefulShutdown}. */
export interface GracefulShutdownOptions {
  /** How long requests in flight may take after the first signal (default 10 000 ms). */
  readonly drainTimeoutMs?: number;
  /** The bound a second signal brings the drain down to (default 1 000 ms); the flush still runs. */
  readonly secondSignalTimeoutMs?: number;
  /** Runs first (stop timers, traffic, background work that would start new requests). */
  readonly beforeDrain?: () => void | Promise<void>;
  /** Runs once the server is closed: the final flush, e.g. `() => perf.shutdown()`. */
  readonly flush?: () => Promise<void>;
  /** The bound on `flush` (default 5 000 ms). */
  readonly flushTimeoutMs?: number;
  /** Signals to handle (default SIGINT and SIGTERM). A third one exits at once. */
  readonly signals?: readonly NodeJS.Signals[];
  /** Ends the process (default `process.exit`). */
  readonly exit?: (code: number) => void;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}

/** What {@link gracefulShutdown} returns. */
export interface GracefulShutdown {
  /** Starts the shutdown as a signal would (a second call shortens the drain); resolves with the exit code. */
  shutdown(reason?: string): Promise<number>;
  /** Removes the signal handlers. */
  dispose(): void;
}

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> =>
  new Promise((resolve, reject) => {
    const t = setTimeout(() => resolve('timeout'), ms);
    t.unref();
    promise.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e)),
    );
  });

/**
 * Graceful shutdown for an HTTP server: on the first SIGTERM/SIGINT it stops accepting, lets requests in flight finish
 * within `drainTimeoutMs`, runs `flush` (bounded by `flushTimeoutMs`) and exits 0. A second signal during the drain
 * brings the bound down to `secondSignalTimeoutMs` but still flushes; a third exits at once (130).
 *
 * ```ts
 * gracefulShutdown(server, { flush: () => perf.shutdown(), log: console.log });
 * ```
 */
export function gracefulShutdown(server: Server, options: GracefulShutdownOptions = {}): GracefulShutdown {
  const drainMs = options.drainTimeoutMs ?? 10_000;
  const secondMs = options.secondSignalTimeoutMs ?? 1_000;
  const flushMs = options.flushTimeoutMs ?? 5_000;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const log = options.log ?? (() => undefined);
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  trackResponses(server);
  let calls = 0;
  let drain: DrainHandle | undefined;
  let running: Promise<number> | undefined;

  const run = async (): Promise<number> => {
    try {
      await options.beforeDrain?.();
    } catch (err) {
      log(`shutdown: beforeDrain failed: ${String(err)}`);
    }
    drain = drainServer(server, calls > 1 ? secondMs : drainMs);
    log(`shutdown: no new connections; waiting up to ${calls > 1 ? secondMs : drainMs} ms for ${drain.inFlight()} request(s) in flight`);
    const { forced } = await drain.done;
    log(forced ? 'shutdown: drain bound reached, remaining connections cut' : 'shutdown: every request in flight answered');
    let code = 0;
    if (options.flush) {
      try {
        const flushed = await withTimeout(options.flush(), flushMs);
        log(flushed === 'timeout' ? `shutdown: flush did not finish within ${flushMs} ms` : 'shutdown: flushed');
        if (flushed === 'timeout') code = 1;
      } catch (err) {
        log(`shutdown: flush failed: ${String(err)}`);
        code = 1;
      }
    }
    return code;
  };

  const shutdown = (reason = 'shutdown'): Promise<number> => {
    calls++;
    if (calls === 1) {
      log(`received ${reason}, shutting down`);
      running = run().then((code) => {
        exit(code);
        return code;
      });
      return running;
    }
    if (calls === 2) {
      log(`received ${reason} again: cutting the drain to ${secondMs} ms (the flush still runs)`);
      drain?.shorten(secondMs);
      return running!;
    }
    log(`received ${reason} a third time: exiting now`);
    exit(130);
    return Promise.resolve(130);
  };

  const handlers = signals.map((s) => {
    const h = () => void shutdown(s);
    process.on(s, h);
    return [s, h] as const;
  });
  return {
    shutdown,
    dispose() {
      for (const [s, h] of handlers) process.off(s, h);
    },
  };
}
