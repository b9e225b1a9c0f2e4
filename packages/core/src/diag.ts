/** Where perfkit reports background failures. Each method must accept any arguments. */
export interface DiagLogger {
  error(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
}

/** How much the default logger says. */
export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug';

const LEVELS: Record<LogLevel, number> = { none: 0, error: 1, warn: 2, info: 3, debug: 4 };

/**
 * Wraps a user's logger (or stderr) so that it filters by level and can never throw:
 * a logger that throws is exactly the kind of background failure that must not reach user code.
 */
export function createDiagLogger(level: LogLevel, sink?: Partial<DiagLogger>): DiagLogger {
  const threshold = LEVELS[level];
  const make = (name: keyof DiagLogger) => {
    if (LEVELS[name] > threshold) return noop;
    const target = sink?.[name];
    return (message: string, ...args: unknown[]): void => {
      try {
        if (target) target.call(sink, message, ...args);
        else process.stderr.write(`perfkit ${name}: ${message}${args.length ? ' ' + args.map(describe).join(' ') : ''}\n`);
      } catch {
        // A logger that throws is ignored: diagnostics must never break the service.
      }
    };
  };
  return { error: make('error'), warn: make('warn'), info: make('info'), debug: make('debug') };
}

function noop(): void {}

function describe(value: unknown): string {
  try {
    if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
    return typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    return '<unprintable>';
  }
}

/** Runs a user callback or background step, reporting anything it throws to the logger instead of throwing. */
export function safeExecute<T>(diag: DiagLogger, what: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    diag.error(`${what} failed`, err);
    return undefined;
  }
}
