import { z } from 'zod';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** The longest window a query may ask for. */
export const MAX_WINDOW_MS = 31 * 86_400_000;

/** Parses `90s`, `15m`, `24h`, `7d` or a number of seconds into milliseconds; NaN when it is none of these. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(text.trim());
  if (!m) return NaN;
  return Number(m[1]) * UNIT_MS[m[2] || 's']!;
}

/** A `window` query parameter: a duration between 1 s and 31 d. */
export const windowParam = z
  .string()
  .max(32)
  .transform((v, ctx) => {
    const ms = parseDuration(v);
    if (!(ms >= 1000 && ms <= MAX_WINDOW_MS)) {
      ctx.addIssue({ code: 'custom', message: 'expected a duration between 1s and 31d such as 15m, 24h or 7d' });
      return z.NEVER;
    }
    return ms;
  });

/** A `maxPoints` query parameter: an integer between 2 and 2000. */
export const maxPointsParam = z
  .string()
  .regex(/^\d{1,4}$/, { message: 'expected an integer between 2 and 2000' })
  .transform(Number)
  .pipe(z.number().int().min(2, { message: 'expected an integer between 2 and 2000' }).max(2000, { message: 'expected an integer between 2 and 2000' }));

/** Query of windowed routes. */
export const windowQuery = z.object({ window: windowParam.optional() }).strict();
/** Query of chart routes. */
export const seriesQuery = z.object({ window: windowParam.optional(), maxPoints: maxPointsParam.optional() }).strict();
/** Query of the operation chart route. */
export const operationSeriesQuery = seriesQuery.extend({ type: z.string().min(1).max(128).optional() }).strict();
/** Routes that take no query parameters. */
export const noQuery = z.object({}).strict();

/** Turns the first zod issue into a one-line message naming the parameter. */
export function queryProblem(error: z.ZodError): string {
  const issue = error.issues[0]!;
  if (issue.code === 'unrecognized_keys') return `unknown query parameter ${issue.keys.map((k) => `"${k.slice(0, 64)}"`).join(', ')}`;
  const key = issue.path.map(String).join('.') || 'query';
  return `query parameter "${key}": ${issue.message}`;
}
