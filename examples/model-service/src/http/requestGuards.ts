import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createHostCheck, isCrossSite, isJsonRequest } from '@perfkit/dashboard';
import { ModelServiceError } from '../errors';

/** What the example checks before a state-changing route runs. */
export interface RequestGuards {
  /** Throws 403/415 for a request a browser could have been tricked into sending, 401 for a missing admin key. */
  check(req: IncomingMessage, isAdmin: boolean): void;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * CSRF and DNS-rebinding guards of the example's POST routes: the `Host` must be a loopback name, an IP literal or an
 * allowed name; a browser's cross-site request is refused; a body must be declared JSON; admin routes (`/knobs`)
 * need `x-api-key` when a key is configured, and always `content-type: application/json`.
 */
export function createRequestGuards(apiKey: string | undefined, allowedHosts: readonly string[]): RequestGuards {
  const isHostAllowed = createHostCheck(allowedHosts);
  const expected = apiKey ? digest(apiKey) : undefined;
  return {
    check(req, isAdmin) {
      if (!isHostAllowed(req)) throw new ModelServiceError('HOST_NOT_ALLOWED', 'this Host header is not allowed (DNS rebinding guard): add it to PERFKIT_DASHBOARD_ALLOWED_HOSTS', 403);
      if (isCrossSite(req)) throw new ModelServiceError('CROSS_SITE_REQUEST', 'cross-site requests may not change state', 403);
      const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
      if ((isAdmin || hasBody) && !isJsonRequest(req)) throw new ModelServiceError('UNSUPPORTED_MEDIA_TYPE', `${req.method} ${req.url?.split('?')[0]} needs "content-type: application/json"`, 415);
      if (isAdmin && expected) {
        const given = req.headers['x-api-key'];
        if (typeof given !== 'string' || given.length === 0 || given.length > 1024 || !timingSafeEqual(digest(given), expected)) {
          throw new ModelServiceError('UNAUTHORIZED', 'missing or wrong x-api-key header (the PERFKIT_DASHBOARD_API_KEY of the service)', 401);
        }
      }
    },
  };
}
