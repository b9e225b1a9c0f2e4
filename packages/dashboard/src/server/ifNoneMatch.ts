/**
 * One member of an entity-tag list (RFC 9110 8.8.3, 5.6.1): optional whitespace, an optional `W/`, the quoted
 * opaque tag (no `"`, no controls), optional whitespace, then `,` or the end. Empty members (`a, , b`) are allowed.
 */
const MEMBER = /[ \t]*(?:(?:W\/)?("[\x21\x23-\x7e\x80-\xff]*"))?[ \t]*(?:,|$)/y;

/**
 * Whether an `If-None-Match` field value names the representation whose strong ETag is `etag` (RFC 9110 13.1.2):
 * `*` names any current representation, and the list is compared weakly (`W/"x"` matches `"x"`). Node joins repeated
 * header lines with `, `, which is the same list. A value that is not a valid list matches nothing (the full
 * representation is sent, which is always safe).
 */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  let isMatch = false;
  MEMBER.lastIndex = 0;
  while (MEMBER.lastIndex < header.length) {
    const start = MEMBER.lastIndex;
    const member = MEMBER.exec(header);
    if (!member || MEMBER.lastIndex === start) return false;
    if (member[1] === etag) isMatch = true;
  }
  return isMatch;
}
