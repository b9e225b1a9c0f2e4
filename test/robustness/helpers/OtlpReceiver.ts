import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How the receiver answers: normally, with an HTTP error, slowly, or not at all (port closed). */
export type ReceiverMode = { kind: 'ok' } | { kind: 'status'; status: number } | { kind: 'slow'; delayMs: number } | { kind: 'down' };

/** One request the receiver saw. */
export interface ReceivedRequest {
  readonly at: number;
  readonly contentType: string;
  /** Decoded OTLP JSON body (`ExportMetricsServiceRequest`), when it was JSON. */
  readonly body: OtlpRequest | undefined;
  /** The status it was answered with (0 when the client gave up first). */
  status: number;
}

/** The parts of the OTLP/JSON `ExportMetricsServiceRequest` the tests read. */
export interface OtlpRequest {
  resourceMetrics: Array<{
    resource?: { attributes?: OtlpAttribute[] };
    scopeMetrics: Array<{ metrics: OtlpMetric[] }>;
  }>;
}
interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean };
}
interface OtlpPoint {
  attributes?: OtlpAttribute[];
  count?: string | number;
  sum?: number;
  asDouble?: number;
  asInt?: string | number;
}
interface OtlpMetric {
  name: string;
  histogram?: { dataPoints: OtlpPoint[] };
  sum?: { dataPoints: OtlpPoint[] };
  gauge?: { dataPoints: OtlpPoint[] };
}

/**
 * A real OTLP/HTTP metrics receiver on 127.0.0.1 (port chosen by the OS) whose behaviour a test switches:
 * answer 200, answer a given status, answer late, or close its port. It decodes OTLP/JSON bodies (what
 * `@opentelemetry/exporter-metrics-otlp-http` sends) and counts requests in flight.
 */
export class OtlpReceiver {
  readonly requests: ReceivedRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private mode: ReceiverMode = { kind: 'ok' };
  private server?: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private port = 0;

  /** Starts listening (again, on the same port after `down`). */
  async start(): Promise<void> {
    const server = http.createServer((req, res) => this.onRequest(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** The URL to give perfkit's `otlp.url`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/v1/metrics`;
  }

  /** Switches behaviour; `down` closes the port and every open connection, and leaving it listens again. */
  async setMode(mode: ReceiverMode): Promise<void> {
    const wasDown = this.mode.kind === 'down';
    this.mode = mode;
    if (mode.kind === 'down' && !wasDown) await this.stop();
    if (mode.kind !== 'down' && wasDown) await this.start();
  }

  /** Requests received since `since` (ms epoch). */
  since(since: number): ReceivedRequest[] {
    return this.requests.filter((r) => r.at >= since);
  }

  /** Resolves once a request arrives that satisfies `predicate`, or rejects after `timeoutMs`. */
  async waitFor(predicate: (r: ReceivedRequest) => boolean, timeoutMs: number): Promise<ReceivedRequest> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.requests.find(predicate);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no matching OTLP request within ${timeoutMs} ms (${this.requests.length} received)`);
  }

  /** Closes the port and every connection. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let finished = false;
    const done = () => {
      if (!finished) this.inFlight--;
      finished = true;
    };
    res.on('close', done);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const contentType = String(req.headers['content-type'] ?? '');
      let body: OtlpRequest | undefined;
      if (contentType.includes('json')) {
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpRequest;
        } catch {
          body = undefined;
        }
      }
      const record: ReceivedRequest = { at: Date.now(), contentType, body, status: 0 };
      this.requests.push(record);
      const answer = (status: number) => {
        record.status = status;
        if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? '{}' : '{"error":"test"}');
      };
      const mode = this.mode;
      if (mode.kind === 'ok') answer(200);
      else if (mode.kind === 'status') answer(mode.status);
      else if (mode.kind === 'slow') {
        const t = setTimeout(() => {
          this.timers.delete(t);
          answer(200);
        }, mode.delayMs);
        this.timers.add(t);
      } else res.destroy();
    });
  }
}

/** Attributes of an OTLP point as a plain object. */
export function attributesOf(point: OtlpPoint): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of point.attributes ?? []) out[a.key] = String(a.value.stringValue ?? a.value.intValue ?? a.value.doubleValue ?? a.value.boolValue);
  return out;
}

/** Every data point of the metric named `name` in one request. */
export function pointsOf(body: OtlpRequest | undefined, name: string): OtlpPoint[] {
  const out: OtlpPoint[] = [];
  for (const rm of body?.resourceMetrics ?? []) {
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) if (m.name === name) out.push(...(m.histogram?.dataPoints ?? m.sum?.dataPoints ?? m.gauge?.dataPoints ?? []));
    }
  }
  return out;
}

/** A point's count (histograms) or value (sums, gauges) as a number. */
export function numberOf(point: OtlpPoint): number {
  return Number(point.count ?? point.asDouble ?? point.asInt ?? NaN);
}
