import { nearestKey } from '@perfkit/core';

describe('nearestKey', () => {
  const keys = ['serviceName', 'prometheus', 'port', 'path', 'limits', 'apiKey'];

  it('suggests the known key within a third of the name\'s length (at least 2 edits), case-insensitively', () => {
    expect(nearestKey('servceName', keys)).toBe('serviceName'); // one deletion
    expect(nearestKey('PROMETHEUS', keys)).toBe('prometheus');
    expect(nearestKey('limts', keys)).toBe('limits');
    expect(nearestKey('apikey', keys)).toBe('apiKey');
    // `prot`: `port` by two edits (a swap is two in Levenshtein), `path` by three; the nearer wins.
    expect(nearestKey('prot', keys)).toBe('port');
  });

  it('suggests nothing beyond the bound: 4 letters allow 2 edits, 9 letters 3', () => {
    expect(nearestKey('xyzw', keys)).toBeUndefined();
    expect(nearestKey('promxxxxs', keys)).toBeUndefined(); // 4 edits from prometheus (bound 3)
    expect(nearestKey('prometxxs', keys)).toBe('prometheus'); // 3 edits: two substitutions, one insertion
  });

  it('keeps the first of equally near keys', () => {
    expect(nearestKey('pat', ['pot', 'pet'])).toBe('pot');
    expect(nearestKey('pat', ['pet', 'pot'])).toBe('pet');
  });

  it('suggests nothing for hostile names: empty, very long, no known keys', () => {
    expect(nearestKey('', keys)).toBeUndefined();
    expect(nearestKey('p'.repeat(100_000), keys)).toBeUndefined();
    expect(nearestKey('port', [])).toBeUndefined();
    expect(nearestKey('port'.padEnd(70, 's'), ['port'.padEnd(70, 's')])).toBeUndefined(); // over 64 characters: not compared
  });
});
