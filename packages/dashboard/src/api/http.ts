import type { ServerResponse } from 'node:http';
import { JSON_CSP, SECURITY_HEADERS } from '../server/security';

/** Headers every JSON answer carries. */
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS, 'content-security-policy': JSON_CSP };

/** Writes a JSON body; `redact` (when given) scrubs secrets from the serialized text. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, redact?: (text: string) => string): void {
  const raw = JSON.stringify(body);
  sendJsonText(res, status, redact ? redact(raw) : raw, headers);
}

/** Writes JSON serialized (and redacted) beforehand; a Buffer is sent as is (encoded once for many clients). */
export function sendJsonText(res: ServerResponse, status: number, text: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...JSON_HEADERS, 'content-length': typeof text === 'string' ? Buffer.byteLength(text) : text.byteLength, ...headers });
  res.end(text);
}

/** Writes the `{ error: { code, message } }` body every failure uses. */
export function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { code, message } }, headers);
}
