import { createNameFilter, globMatch } from '../../src/collectors/nameFilter';

function setup(include: string[], exclude: string[]) {
  return createNameFilter({ include, exclude });
}

describe('createNameFilter', () => {
  it('passes everything not excluded when include is empty', () => {
    const f = setup([], ['lo', 'docker*']);
    expect(['eth0', 'lo', 'docker0', 'xdocker'].filter(f)).toEqual(['eth0', 'xdocker']);
  });

  it.each([
    ['*', '', true],
    ['*', 'anything', true],
    ['eth*', 'eth', true],
    ['eth*', 'veth0', false],
    ['*0', 'eth0', true],
    ['e*h*0', 'eth0', true],
    ['e*h*1', 'eth0', false],
    ['lo', 'lo0', false],
    ['', '', true],
    ['', 'x', false],
    // Mutation testing (issue 18): a literal "*" in the name, runs of stars, retries after a false start.
    ['a*c', 'a*xc', true],
    ['**', '', true],
    ['a**', 'a', true],
    ['*ab', 'aab', true],
    ['*a*', 'bab', true],
    ['a*b*c', 'abbbc', true],
    ['a*b*c', 'acb', false],
    ['a*b', 'a', false],
    ['ab', 'a', false],
    ['a', 'ab', false],
  ])('matches glob %j against %j as %s', (glob, name, expected) => {
    expect(globMatch(glob, name)).toBe(expected);
  });

  it('lets exclude win over include', () => {
    const f = setup(['eth*'], ['eth1']);
    expect(['eth0', 'eth1', 'wlan0'].filter(f)).toEqual(['eth0']);
  });

  it('treats regular-expression characters in patterns as literal text', () => {
    const f = setup(['/mnt/(a|b)+.[x]$'], []);
    expect(f('/mnt/(a|b)+.[x]$')).toBe(true);
    expect(f('/mnt/a')).toBe(false);
    expect(f('/mnt/aab.x')).toBe(false);
  });

  it('finishes when given a pattern that makes a regular expression backtrack catastrophically', () => {
    const f = setup(['*a*a*a*a*a*a*a*a*a*a*b'], []);
    const started = process.hrtime.bigint();
    expect(f('a'.repeat(5000))).toBe(false);
    // No wall-clock assertion: the test only has to finish (a catastrophic backtrack would hang it).
    expect(process.hrtime.bigint()).toBeGreaterThan(started);
  });
});

describe('createNameFilter with several include patterns (mutation testing, issue 18)', () => {
  it('passes a name that matches any one of them', () => {
    const f = setup(['eth*', 'wlan*'], []);
    expect(['eth0', 'wlan1', 'lo'].filter(f)).toEqual(['eth0', 'wlan1']);
  });
});
