/** What replaces a secret wherever perfkit prints or serves it. */
export const REDACTED = '[REDACTED]';

/**
 * A URL with its user info (`user:secret@`) replaced, for logs, banners and health endpoints. Query strings are
 * kept (they rarely carry credentials in OTLP URLs, and the path must stay recognisable). Text the URL parser reads
 * without user info, or cannot read at all (a password with an unescaped `/`, `?` or `#` ends the authority early),
 * is redacted as {@link redactText} does: everything from `://` to the last `@` of the URL.
 */
export function redactUrl(url: unknown): string {
  const text = typeof url === 'string' ? url : String(url);
  try {
    const parsed = new URL(text);
    if (!parsed.username && !parsed.password) return redactText(text);
    parsed.username = REDACTED;
    parsed.password = '';
    return parsed.toString().replace(encodeURIComponent(REDACTED), REDACTED);
  } catch {
    return redactText(text);
  }
}

/** Header names with every value replaced, for printing. */
export function redactHeaders(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(headers ?? {})) out[key] = REDACTED;
  return out;
}

/**
 * A header name as perfkit prints it: as it is when it is an HTTP token (what Node's http accepts); else up to its first
 * character that is not, then {@link REDACTED}: a header pasted whole as a name (`Authorization: Basic dXNlcg==` read as
 * name `Authorization: Basic dXNlcg`) carries its secret in the name.
 */
export function shownHeaderName(name: string): string {
  if (name === '') return '""';
  const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]*/.exec(name)![0];
  return token.length === name.length ? name : token + REDACTED;
}

/** Where a URL can start: a scheme no scheme character precedes (else every letter of a long word would restart it). */
const SCHEME = /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\//gi;

/** The rest of a URL inside a message: up to a quote or white space. Sticky: read from where its scheme ends. */
const URL_REST = /[^\s"']*/y;

/**
 * Any text with user info of URLs inside it redacted (error messages that quote a URL): from `://` to the **last**
 * `@` before the URL ends (a quote or white space). A password may hold an unescaped `@`, `/`, `?` or `#` (a pasted
 * token): the first `@`, or an authority cut at the first `/`, would leave the rest of it in the text. An `@` in a
 * path (`http://host/@me`) is redacted too; printing less is the safe side. One pass over the text.
 */
export function redactText(text: string): string {
  let out = '';
  let copied = 0;
  SCHEME.lastIndex = 0;
  for (let m = SCHEME.exec(text); m !== null; m = SCHEME.exec(text)) {
    const start = m.index + m[0].length;
    URL_REST.lastIndex = start;
    const rest = URL_REST.exec(text)![0];
    const at = rest.lastIndexOf('@');
    const end = start + rest.length;
    if (at >= 0) {
      out += text.slice(copied, start) + REDACTED;
      copied = start + at;
    }
    SCHEME.lastIndex = end; // a scheme inside this URL is part of it: its user info is redacted with it or not at all
  }
  return copied === 0 ? text : out + text.slice(copied);
}
