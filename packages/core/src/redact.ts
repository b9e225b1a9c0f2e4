/** What replaces a secret wherever perfkit prints or serves it. */
export const REDACTED = '[REDACTED]';

/**
 * A URL with its user info (`user:secret@`) replaced, for logs, banners and health endpoints. Query strings are
 * kept (they rarely carry credentials in OTLP URLs, and the path must stay recognisable); text that is no URL is
 * returned with anything before an `@` in its authority redacted all the same.
 */
export function redactUrl(url: unknown): string {
  const text = typeof url === 'string' ? url : String(url);
  try {
    const parsed = new URL(text);
    if (!parsed.username && !parsed.password) return text;
    parsed.username = REDACTED;
    parsed.password = '';
    return parsed.toString().replace(encodeURIComponent(REDACTED), REDACTED);
  } catch {
    return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, `$1${REDACTED}@`);
  }
}

/** Header names with every value replaced, for printing. */
export function redactHeaders(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(headers ?? {})) out[key] = REDACTED;
  return out;
}

const USER_INFO = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/)[^/@\s"']*@/gi;

/** Any text with user info of URLs inside it redacted (error messages that quote a URL). */
export function redactText(text: string): string {
  // The look-behind lets a scheme start only where no scheme character precedes it: without it every position of a
  // long run of letters restarts the scheme match (quadratic: 4 s for a 20,000-character value).
  return text.replace(USER_INFO, `$1${REDACTED}@`);
}
