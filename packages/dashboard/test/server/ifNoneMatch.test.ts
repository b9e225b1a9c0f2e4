import { matchesIfNoneMatch } from '../../src/server/ifNoneMatch';

const ETAG = '"abc"';

describe('matchesIfNoneMatch', () => {
  it('matches the tag, any tag (*), and members of a list, weakly', () => {
    for (const header of ['"abc"', '*', ' * ', 'W/"abc"', '"x", "abc"', '"x",W/"abc"', '"a,b", "abc"', ', "abc" ,', '"x",\t"abc"']) {
      expect([header, matchesIfNoneMatch(header, ETAG)]).toEqual([header, true]);
    }
  });

  it('matches nothing for other tags, other case, unquoted or malformed lists', () => {
    for (const header of [undefined, '', '"abcd"', '"ABC"', 'abc', 'w/"abc"', '"abc" "abc"', '"abc', '"ab"c"', '"x" junk, "abc"', '**', '"a\u0001", "abc"']) {
      expect([header, matchesIfNoneMatch(header, ETAG)]).toEqual([header, false]);
    }
  });

  it('does not throw on hostile values', () => {
    expect(matchesIfNoneMatch('"'.repeat(100_000), ETAG)).toBe(false);
    expect(matchesIfNoneMatch(`${'"x", '.repeat(20_000)}"abc"`, ETAG)).toBe(true);
  });
});
