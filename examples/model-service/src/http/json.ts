import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERROR_CODES, ModelServiceError } from '../errors';

/** Largest request body accepted. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Reads and parses a JSON request body (empty body = `{}`); throws BAD_REQUEST on bad JSON or a body too large. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ModelServiceError(ERROR_CODES.badRequest, `request body over ${MAX_BODY_BYTES} bytes`, 413);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ModelServiceError(ERROR_CODES.badRequest, 'request body is not valid JSON', 400);
  }
}

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2) + '\n';
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
