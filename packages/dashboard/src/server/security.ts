import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

/**
 * Headers every dashboard answer carries: no framing (clickjacking), no referrer leaks of the page's URL, no MIME
 * sniffing. JSON answers also get a CSP that allows nothing at all (they are never documents).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** The page's CSP: own scripts and styles only, never inside a frame. */
export const PAGE_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
/** The CSP of JSON answers. */
export const JSON_CSP = "default-src 'none'; frame-ancestors 'none'";

/** Host header values whose verdict {@link createHostCheck} remembers (a client sending ever new values only refills it). */
const MAX_REMEMBERED_HOSTS = 64;

/** Host names that only reach this machine. */
export function isLoopbackName(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || h === '::ffff:127.0.0.1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

/** Whether a socket's local address (what the client connected to) is a loopback address. */
export function isLoopbackAddress(address: string | undefined): boolean {
  return address !== undefined && isLoopbackName(address);
}

/** The host part of a `Host` header (`name:port`, `[v6]:port`), lower-cased; undefined if malformed. */
export function hostOf(header: string): string | undefined {
  const h = header.trim().toLowerCase();
  if (h.length === 0 || h.length > 300) return undefined;
  const v6 = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(h);
  if (v6) return v6[1];
  const named = /^([a-z0-9._-]+)(?::\d{1,5})?$/.exec(h);
  return named ? named[1] : undefined;
}

/**
 * The `Host` allow-list against DNS rebinding: a page on `evil.example` whose name is re-pointed at 127.0.0.1 still
 * sends `Host: evil.example`, so only loopback names, IP literals (a rebinding attacker cannot make the browser send
 * one for its own origin) and the configured names pass. A request without `Host` (HTTP/1.0, not a browser) passes.
 */
export function createHostCheck(allowedHosts: readonly string[]): (req: IncomingMessage) => boolean {
  const allowed = new Set(allowedHosts.map((h) => h.toLowerCase().replace(/\.$/, '')));
  const isAllowed = (header: string) => {
    const host = hostOf(header);
    if (host === undefined) return false;
    const bare = host.replace(/\.$/, '');
    return isLoopbackName(bare) || isIP(bare) !== 0 || allowed.has(bare);
  };
  // Every request of the application is checked (the example guards all its routes): the verdicts of the few Host
  // values a service sees are remembered, so the regular expressions run once per value, not once per request.
  const verdicts = new Map<string, boolean>();
  return (req) => {
    const header = req.headers.host;
    if (header === undefined) return true;
    let verdict = verdicts.get(header);
    if (verdict === undefined) {
      verdict = isAllowed(header);
      if (verdicts.size >= MAX_REMEMBERED_HOSTS) verdicts.clear();
      verdicts.set(header, verdict);
    }
    return verdict;
  };
}

/** Whether the request's body is declared as JSON (`application/json`, any parameters). */
export function isJsonRequest(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  return typeof type === 'string' && /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type.trim());
}

/**
 * Whether a browser says the request comes from another site (`Sec-Fetch-Site: cross-site`, or an `Origin` whose
 * host differs from `Host`). Non-browser clients send neither and are not cross-site.
 */
export function isCrossSite(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || origin === '') return false;
  if (origin === 'null') return true;
  try {
    return new URL(origin).host.toLowerCase() !== String(req.headers.host ?? '').toLowerCase();
  } catch {
    return true;
  }
}

/** Replaces every occurrence of the secrets, and the user-info of URLs, with `[redacted]`. */
export function createRedactor(secrets: ReadonlyArray<string | undefined>): (text: string) => string {
  const list = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  return (text) => {
    let out = text;
    for (const s of list) if (out.includes(s)) out = out.split(s).join('[redacted]');
    if (out.includes('@')) out = out.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s"@]*:[^/\s"@]*@/gi, '$1[redacted]@');
    return out;
  };
}
