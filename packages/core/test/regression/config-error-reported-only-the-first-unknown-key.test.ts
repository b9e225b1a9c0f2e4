import { loadConfig, resolveConfig } from '@perfkit/core';
import { z } from 'zod';
import { configErrorOf } from '../configErrorOf';

/**
 * `resolveConfig` named only the first unknown key of an object (zod reports them all in one issue, and only its
 * first key was read), so two misspelt options gave one problem and the second came to light on the next start.
 * A configuration error lists every problem at once: each unknown key is now one problem, with its nearest known key.
 */
describe('config-error-reported-only-the-first-unknown-key', () => {
  it('names every unknown key of the top level and of a nested object, each with its suggestion', () => {
    const err = configErrorOf(() => loadConfig({ servceName: 'svc', limts: {}, prometheus: { hots: 'x', prot: 1 } } as never, {}));
    expect(err.problems.map((p) => [p.key, p.allowed])).toEqual(
      expect.arrayContaining([
        ['servceName', 'unknown option; did you mean "serviceName"?'],
        ['limts', 'unknown option; did you mean "limits"?'],
        ['prometheus.hots', 'unknown option; did you mean "host"?'],
        ['prometheus.prot', 'unknown option; did you mean "port"?'],
      ]),
    );
    expect(err.problems).toHaveLength(4);
    expect(err.message).toContain('Invalid perfkit configuration: 4 problems');
  });

  it('names every unknown key beside a wrong value inside a union (prometheus: false | {...})', () => {
    const err = configErrorOf(() => loadConfig({ prometheus: { port: 'x', hots: 'h', pth: '/m' } } as never, {}));
    expect(err.problems.map((p) => [p.key, p.value])).toEqual([
      ['prometheus.port', 'x'],
      ['prometheus.hots', 'h'],
      ['prometheus.pth', '/m'],
    ]);
  });

  it('does so for any schema given to resolveConfig, under its prefix', () => {
    const schema = z.object({ port: z.number(), host: z.string() }).strict();
    const err = configErrorOf(() => resolveConfig(schema, { port: 1, host: 'h', prt: 2, hst: 'x', other: true }, [], {}, 'plugin'));
    expect(err.problems).toEqual([
      { key: 'plugin.prt', value: 2, allowed: 'unknown option; did you mean "port"?' },
      { key: 'plugin.hst', value: 'x', allowed: 'unknown option; did you mean "host"?' },
      { key: 'plugin.other', value: true, allowed: 'unknown option' },
    ]);
  });
});
