/** A compiled include/exclude filter over names (mountpoints, interfaces, devices, filesystem types). */
export type NameFilter = (name: string) => boolean;

/**
 * Whether `name` matches `glob`, where `*` matches any run of characters and every other character is literal.
 * The classic two-pointer wildcard match: O(name × glob) at worst, no regular expression, so a hostile pattern
 * such as `*a*a*a*a*b` cannot backtrack catastrophically.
 */
export function globMatch(glob: string, name: string): boolean {
  let g = 0;
  let n = 0;
  let star = -1;
  let mark = 0;
  while (n < name.length) {
    if (g < glob.length && glob[g] !== '*' && glob[g] === name[n]) {
      g++;
      n++;
    } else if (g < glob.length && glob[g] === '*') {
      star = g++;
      mark = n;
    } else if (star >= 0) {
      g = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (g < glob.length && glob[g] === '*') g++;
  return g === glob.length;
}

/**
 * Builds a predicate: a name passes when it matches an include pattern (or includes are empty) and no exclude
 * pattern. Patterns are exact names with `*` as the only wildcard, so user text never becomes a regular expression.
 */
export function createNameFilter(filter: { readonly include: readonly string[]; readonly exclude: readonly string[] }): NameFilter {
  const include = [...filter.include];
  const exclude = [...filter.exclude];
  return (name) => (include.length === 0 || include.some((p) => globMatch(p, name))) && !exclude.some((p) => globMatch(p, name));
}
