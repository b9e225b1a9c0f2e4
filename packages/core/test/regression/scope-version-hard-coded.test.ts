import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureBuilt } from '../../../../test/helpers/build';

// The instrumentation scope (and the resource's telemetry.sdk.version) said 0.1.0 whatever version was installed:
// the constant was written by hand and never followed a release.
const PACKAGE_JSON = path.join(__dirname, '..', '..', 'package.json');

type Producer = typeof import('../../src/store/StoreMetricProducer');

/** Loads the module afresh with package.json saying `version`. */
function scopeWith(version: string): Producer['SCOPE'] {
  let scope: Producer['SCOPE'] | undefined;
  jest.isolateModules(() => {
    jest.doMock('../../package.json', () => ({ name: '@perfkit/core', version }));
    scope = (require('../../src/store/StoreMetricProducer') as Producer).SCOPE;
  });
  jest.dontMock('../../package.json');
  return scope!;
}

describe('regression: scope version hard-coded', () => {
  it('reports the version in package.json', () => {
    const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { name: string; version: string };
    expect(scopeWith(pkg.version)).toEqual({ name: '@perfkit/core', version: pkg.version });
  });

  it('follows package.json when a release bumps it', () => {
    expect(scopeWith('3.4.5').version).toBe('3.4.5');
  });

  it('is what the built package reports too (dist/ sits at the same depth as src/)', () => {
    const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string };
    const built = ensureBuilt('packages/core', path.join('store', 'StoreMetricProducer.js'));
    expect((require(built) as Producer).SCOPE.version).toBe(pkg.version);
  });
});
