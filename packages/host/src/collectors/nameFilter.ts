/** A compiled include/exclude filter over names (mountpoints, interfaces, devices, filesystem types). */
export type NameFilter = (name: string) => boolean;

function globToRegExp(glob: string): RegExp {
  const body = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`);
}

/**
 * Builds a predicate: a name passes when it matches an include pattern (or includes are empty) and no exclude
 * pattern. Patterns are exact names with `*` as the only wildcard, so user text never becomes a regular expression.
 */
export function createNameFilter(filter: { readonly include: readonly string[]; readonly exclude: readonly string[] }): NameFilter {
  const include = filter.include.map(globToRegExp);
  const exclude = filter.exclude.map(globToRegExp);
  return (name) => (include.length === 0 || include.some((r) => r.test(name))) && !exclude.some((r) => r.test(name));
}
