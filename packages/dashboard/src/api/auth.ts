import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Checks the `x-api-key` header in constant time (both sides hashed first, so neither the length nor a common
 * prefix of the key leaks through timing). Without a configured key every request passes.
 */
export function createApiKeyCheck(apiKey: string | undefined): (req: IncomingMessage) => boolean {
  if (!apiKey) return () => true;
  const expected = digest(apiKey);
  return (req) => {
    const given = req.headers['x-api-key'];
    if (typeof given !== 'string' || given.length === 0 || given.length > 1024) return false;
    return timingSafeEqual(digest(given), expected);
  };
}
