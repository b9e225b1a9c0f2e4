/**
 * Messages between a perfkit that aggregates (a `node:cluster` primary, a process's main thread) and the perfkits
 * that report to it (cluster workers over the IPC channel, worker threads over a `BroadcastChannel` of each pair,
 * see transports.ts). Plain data
 * only, so the same shapes travel as JSON (IPC) and as structured clones (threads). Every message carries
 * `perfkit: 1`; anything else on the channel belongs to the application and is left alone.
 */

/** The environment variable an aggregating perfkit sets (`<pid>:<instance id>`) so that workers created after it find it. */
export const AGGREGATOR_ENV = 'PERFKIT_AGGREGATOR';

/**
 * One table of histogram rows: rows announced since `from`, then the rows whose numbers changed since the report
 * the aggregator last acknowledged. A changed row travels as its index and one bit mask per 32 cells (cells: the
 * buckets, +Inf, sum, count), then the changed cells' cumulative values (counts as 32-bit integers, sums as
 * doubles): a report that is lost or refused costs nothing, the next one carries the same cells again with their
 * newer totals.
 */
export interface WireTable {
  /** Stable id of the table in the reporter. */
  readonly id: number;
  /** Upper bounds of the buckets (seconds), +Inf excluded. */
  readonly bounds: readonly number[];
  /** Index of the first row in `rows`. */
  readonly from: number;
  /** New rows: the owning handle's index, outcome, error type. */
  readonly rows: ReadonlyArray<readonly [number, string, string]>;
  /** Rows in the table now. */
  readonly size: number;
  /** Per changed row, increasing: its index, then `ceil((bounds.length + 3) / 32)` masks; base64 uint32. */
  readonly index: string;
  /** The changed bucket and count cells' cumulative values, row by row, cell by cell; base64 uint32s (doubles when `wide`). */
  readonly counts: string;
  /** Counts past 2^32 - 1 (a long-lived series): `counts` holds doubles. */
  readonly wide?: boolean;
  /** The changed sum cells' cumulative values, row by row; base64 doubles. */
  readonly sums: string;
}

/** What changed in a worker since the report its aggregator last acknowledged, as cumulative values. */
export interface WireReport {
  /** Numbers the report; the aggregator acknowledges it by this number once merged. */
  readonly seq: number;
  /** Announcements start at 0 and every non-zero number travels: the receiver forgets what it mapped before. */
  readonly full: boolean;
  /** Index of the first handle in `handles`. */
  readonly handlesFrom: number;
  /** New handles: operation type, name, whether it is the overflow handle. */
  readonly handles: ReadonlyArray<readonly [string, string, 0 | 1]>;
  /** Duration tables. */
  readonly tables: readonly WireTable[];
  /** The two score tables (integrity, compatibility); their rows' outcome and error type are empty. */
  readonly scores: readonly WireTable[];
  /** Per handle whose figures changed, increasing: its index, the figure slots, the figure mask; base64 doubles. */
  readonly figures: string;
  /** Every handle with running operations now: index, count (a gauge: the latest report replaces the previous). */
  readonly active: ReadonlyArray<readonly [number, number]>;
  /** Dropped measurements by reason (cumulative). */
  readonly drops: ReadonlyArray<readonly [string, number]>;
  /** The reporter's own OpenTelemetry gauges and counters (plug-ins). */
  readonly sdk: readonly WireSdkMetric[];
}

/** One plug-in instrument of a reporter, with its current points. */
export interface WireSdkMetric {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  readonly kind: 'gauge' | 'counter' | 'updowncounter';
  readonly points: ReadonlyArray<readonly [Record<string, string | number | boolean>, number]>;
}

/** What a reporter says when it starts: who it is, and what its configuration looks like. */
export interface HelloMessage {
  readonly perfkit: 1;
  readonly kind: 'hello';
  readonly from: string;
  readonly to: string;
  /** How the aggregator names it in diagnostics and in the `worker` label. */
  readonly label: string;
  readonly serviceName: string;
  /** The parts of its configuration that decide what its numbers mean (compared with the aggregator's). */
  readonly config?: ConfigSummary;
}

/** The parts of a perfkit's configuration that change what the merged numbers mean. */
export interface ConfigSummary {
  /** Registered operation types and their buckets. */
  readonly types: Readonly<Record<string, readonly number[]>>;
  /** Series limits (per metric, per type, names per type...), as configured. */
  readonly limits: Readonly<Record<string, unknown>>;
  /** Views and other settings that shape series (outcome kept, exemplars), as configured. */
  readonly shape: Readonly<Record<string, unknown>>;
  /** Resource attributes (service.instance.id excluded: it differs per process by design). */
  readonly resource: Readonly<Record<string, string | number | boolean>>;
}

/** A reporter's state, pushed periodically, sent when asked (`id`), or as its last word (`bye`). */
export interface ReportMessage {
  readonly perfkit: 1;
  readonly kind: 'report' | 'bye';
  readonly from: string;
  readonly to: string;
  readonly label: string;
  /** The collect request this answers, or -1 for a push. */
  readonly id: number;
  readonly report: WireReport;
}

/** The aggregator asks for a fresh report (`full`: announce every handle and row again). */
export interface CollectMessage {
  readonly perfkit: 1;
  readonly kind: 'collect';
  readonly from: string;
  readonly to: string;
  readonly id: number;
  readonly full: boolean;
}

/** The aggregator merged report `seq`: the reporter's next report starts from what that one carried. */
export interface AckMessage {
  readonly perfkit: 1;
  readonly kind: 'ack';
  readonly from: string;
  readonly to: string;
  readonly seq: number;
}

/** The aggregator answers a hello (so that a reporter knows it is heard). */
export interface WelcomeMessage {
  readonly perfkit: 1;
  readonly kind: 'welcome';
  readonly from: string;
  readonly to: string;
}

/** Any perfkit message. */
export type PerfkitMessage = HelloMessage | ReportMessage | CollectMessage | WelcomeMessage | AckMessage;

/** Whether a message on a shared channel claims to be perfkit's (it may still be malformed). */
export function isPerfkitMessage(msg: unknown): msg is { perfkit: unknown; kind: unknown; from: unknown; to: unknown } {
  return typeof msg === 'object' && msg !== null && (msg as { perfkit?: unknown }).perfkit === 1;
}

/** Encodes doubles or uint32s as base64 (what JSON carries fastest: one string instead of thousands of numbers). */
export function encodeNumbers(values: Float64Array | Uint32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

/** Decodes {@link encodeNumbers} of doubles; undefined when the text is not a whole number of them. */
export function decodeDoubles(text: unknown): Float64Array | undefined {
  return decodeNumbers(text, Float64Array);
}

/** Decodes {@link encodeNumbers} of uint32s; undefined when the text is not a whole number of them. */
export function decodeUint32s(text: unknown): Uint32Array | undefined {
  return decodeNumbers(text, Uint32Array);
}

function decodeNumbers<T extends Float64Array | Uint32Array>(
  text: unknown,
  Kind: { new (length: number): T; new (buffer: ArrayBuffer, byteOffset: number, length: number): T; readonly BYTES_PER_ELEMENT: number },
): T | undefined {
  if (typeof text !== 'string') return undefined;
  const bytes = Buffer.from(text, 'base64');
  const size = Kind.BYTES_PER_ELEMENT;
  if (bytes.length % size !== 0) return undefined;
  // A view on the decoded bytes when they are aligned (a large Buffer has its own memory), else a copy.
  if (bytes.byteOffset % size === 0 && bytes.buffer instanceof ArrayBuffer) return new Kind(bytes.buffer, bytes.byteOffset, bytes.length / size);
  const out = new Kind(bytes.length / size);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Parses the aggregator marker `<pid>:<id>`. */
export function parseAggregatorMarker(value: string | undefined): { pid: number; id: string } | undefined {
  if (!value) return undefined;
  const at = value.indexOf(':');
  const pid = Number(value.slice(0, at));
  const id = value.slice(at + 1);
  return at > 0 && Number.isInteger(pid) && id ? { pid, id } : undefined;
}
