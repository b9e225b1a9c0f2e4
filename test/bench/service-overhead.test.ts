import { compareWithBaseline, formatCheck } from '../../bench/src/check/compare';
import type { Baseline } from '../../bench/src/check/baseline';
import { spliceSuiteSections } from '../../bench/src/report/writeDocs';
import type { BenchResults, Figure } from '../../bench/src/results';
import { busyByOwner, ownerGroup, type CpuProfile } from '../../bench/src/service/cpuProfile';
import { onCpus } from '../../bench/src/service/loadProcess';
import { canJudge, CONTROL, describeRatios, pairedRatios, peersOnly, pooledRatios, roundOrder } from '../../bench/src/service/overhead';

/** The service suite's overhead arithmetic and the section-only docs update, on hand-made numbers (no bench run). */
describe('service overhead figures', () => {
  it('pairs round i of perfkit with round i of the other variant, and leaves out a pair it cannot divide', () => {
    // 3000/3100, 2900/2800, 3050/3050 by hand; the fourth pair has a zero divisor.
    expect(pairedRatios([3000, 2900, 3050, 10], [3100, 2800, 3050, 0])).toEqual([3000 / 3100, 2900 / 2800, 1]);
    expect(pairedRatios([1, 2, 3], [1, 2])).toEqual([1, 1]);
    expect(pairedRatios(undefined, [1])).toEqual([]);
  });

  it('divides perfkit by the geometric mean of both processes without it, or by the one when there is no control', () => {
    // sqrt(3000 * 3300) = 3146.4 (hand: 3146.43); sqrt(1 * 4) = 2; the third round has no control, so it is left out.
    const r = pooledRatios([3000, 3, 7], [3000, 1, 7], [3300, 4]);
    expect(r).toHaveLength(2);
    expect(r[0]).toBeCloseTo(3000 / 3146.43, 5);
    expect(r[1]).toBe(1.5);
    expect(pooledRatios([6], [3], undefined)).toEqual([2]);
    expect(pooledRatios([6], [3], [])).toEqual([2]);
  });

  it('describes ratios as median [min–max] over the rounds', () => {
    expect(describeRatios([1.02, 0.96, 0.99, 1.1])).toBe('1.005 [0.960–1.100] over 4 rounds');
    expect(describeRatios([])).toBe('not measured');
  });

  it('judges a bound only when the A/A control itself stays within it', () => {
    // Medians by hand: 1.02 (within 3 %), 0.96 (4 % off), none.
    expect(canJudge([0.99, 1.02, 1.05], 0.03)).toBe(true);
    expect(canJudge([0.96, 0.9, 1.2], 0.03)).toBe(false);
    expect(canJudge([0.96, 0.9, 1.2], 0.05)).toBe(true);
    expect(canJudge([], 0.05)).toBe(false);
  });

  it('goes through every ordering of the variants in turn, so no variant always follows the same neighbour', () => {
    // The six orderings of three, written out by hand, then again from the start.
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => roundOrder(3, i))).toEqual([[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0], [0, 1, 2]]);
    expect([0, 1, 2].map((i) => roundOrder(2, i))).toEqual([[0, 1], [1, 0], [0, 1]]);
    expect(roundOrder(1, 5)).toEqual([0]);
    expect(new Set(Array.from({ length: 24 }, (_, i) => roundOrder(4, i).join(''))).size).toBe(24);
  });

  it('pins a command through taskset only when given CPUs', () => {
    expect(onCpus('1', '/bin/node', ['a.js', '--x'])).toEqual(['taskset', ['-c', '1', '/bin/node', 'a.js', '--x']]);
    expect(onCpus(undefined, '/bin/node', ['a.js'])).toEqual(['/bin/node', ['a.js']]);
  });

  it('keeps the A/A control out of the figures', () => {
    expect(peersOnly({ perfkit: [1], 'without-perfkit': [2], [CONTROL]: [3] })).toEqual({ perfkit: [1], 'without-perfkit': [2] });
  });
});

describe('bench:check minValue targets', () => {
  const figure = (median: number): Figure => ({ id: 'service.overhead.throughput', label: 't', unit: '×', better: 'higher', peers: { perfkit: { min: median, median, max: median, rounds: [median] } }, ratios: {} });
  const results = (median: number): BenchResults => ({ schema: 1, date: '2026-12-01T00:00:00Z', profile: 'full', machine: { cpu: 'x', cores: 2, memoryGiB: 1, platform: 'linux', arch: 'x64', node: 'v20', v8: '11' }, seconds: 1, suites: [{ name: 'service', title: 'S', figures: [figure(median)], notes: [], seconds: 1 }] });
  const baseline: Baseline = {
    about: '', thresholds: { record: 1, scrape: 1, memory: 1, host: 1, service: 1, cluster: 1 }, figureThresholds: {}, date: '', machine: results(1).machine, figures: {},
    targets: [{ figure: 'service.overhead.throughput', minValue: 0.97, text: 'at least 97 %' }],
  };

  it('is met at or above its value and missed below it', () => {
    expect(compareWithBaseline(baseline, results(0.97)).targets[0]!.met).toBe(true);
    expect(compareWithBaseline(baseline, results(1.01)).targets[0]!.met).toBe(true);
    expect(compareWithBaseline(baseline, results(0.969)).targets[0]!.met).toBe(false);
  });

  it('says a missed target was not in the baseline (a new figure) rather than missed there too', () => {
    const text = formatCheck(compareWithBaseline(baseline, results(0.9)), baseline);
    expect(text).toContain('target missed (not in the baseline): at least 97 % (now 0.900)');
  });
});

describe('docs for some suites only', () => {
  const page = [
    '# Benchmarks', '', 'Measured on 2026-11-30.', '', '## Targets', '', '| t | 1 | met |', '| u | 5 | met |', '| v | 0.9 | met |', '',
    '## Record path', '', 'old record table', '',
    '## Service under load', '', 'old service table', '', '![Service](benchmarks/service-latency.svg)', '',
    '## Many processes', '', 'old cluster table', '',
    '<!-- node26:begin (x) -->', 'node 26', '<!-- node26:end -->', '',
    '## Running it', '', 'commands', '',
  ].join('\n');
  const fresh = ['# Benchmarks', '', 'Measured on 2026-12-01.', '', '## Targets', '', '| t | 2 | **missed** |', '| u | - | not measured |', '| v | 1.2 | met |', '', '## Service under load', '', 'new service table', '', '## Running it', '', 'commands', ''].join('\n');
  const only = (title: string) =>
    ({
      date: '2026-12-01T23:27:14Z',
      machine: { cpu: 'AMD EPYC', cores: 2, memoryGiB: 7.8, platform: 'linux', arch: 'x64', node: 'v20.20.2', v8: '11.3' },
      suites: [{ name: 'service', title, figures: [], notes: [], seconds: 1 }],
    }) as unknown as BenchResults;
  const own = '- This section comes from a run of its own (`--suites service`), measured on 2026-12-01: AMD EPYC, 2 cores, 7.8 GiB, linux x64, Node v20.20.2 (V8 11.3).\n';

  it('replaces only the sections of the suites that ran and the target rows they measured; date, other targets, other suites and the Node 26 block stay', () => {
    const out = spliceSuiteSections(page, fresh, only('Service under load'));
    expect(out).toBe(
      page
        .replace('old service table\n\n![Service](benchmarks/service-latency.svg)\n', `new service table\n\n${own}`)
        .replace('| t | 1 | met |', '| t | 2 | **missed** |')
        .replace('| v | 0.9 | met |', '| v | 1.2 | met |'),
    );
  });

  it('puts a section the page lacks before "## Running it"', () => {
    const without = page.replace(/## Service under load[\s\S]*?(?=## Many)/, '');
    const out = spliceSuiteSections(without, fresh, only('Service under load'));
    expect(out.indexOf('new service table')).toBeGreaterThan(out.indexOf('node26:end'));
    expect(out.indexOf('new service table')).toBeLessThan(out.indexOf('## Running it'));
  });
});

describe('CPU profile attribution', () => {
  const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url }, children });
  // root -> app handler -> node's writev; root -> perfkit's GuardedRun.finish; root -> (idle); root -> (garbage collector)
  const profile: CpuProfile = {
    nodes: [
      frame(1, '(root)', '', [2, 4, 5, 6]),
      frame(2, 'route', 'file:///r/examples/model-service/dist/http/routes.js', [3]),
      frame(3, 'writev', 'node:internal/stream_base_commons'),
      frame(4, 'finish', '/r/packages/core/dist/guards/GuardedRun.js'),
      frame(5, '(idle)', ''),
      frame(6, '(garbage collector)', ''),
    ],
    startTime: 1_000,
    samples: [3, 4, 5, 6, 3],
    timeDeltas: [0, 100, 200, 300, 400],
  };

  it("gives each sample's time (the gap to the next sample) to the nearest perfkit or app frame, leaving idle out", () => {
    // By hand: writev under the app 100 µs, finish 200 µs, idle 300 µs left out, GC 400 µs, the last sample 0.
    expect(Object.fromEntries(busyByOwner(profile))).toEqual({ app: 0.1, 'perfkit core/guards/GuardedRun finish': 0.2, 'node/v8: (garbage collector)': 0.4 });
  });

  it('caps a gap and skips the samples before skipUs', () => {
    expect(busyByOwner(profile, { capUs: 250 }).get('node/v8: (garbage collector)')).toBe(0.25);
    // Samples fall at 0, 100, 300, 600 and 1000 µs after the start: skipping 250 µs leaves the last three.
    expect(Object.fromEntries(busyByOwner(profile, { skipUs: 250 }))).toEqual({ app: 0, 'node/v8: (garbage collector)': 0.4 });
  });

  it('groups owners by package, core split into guards, cluster and the rest', () => {
    expect(ownerGroup('perfkit core/guards/GuardedRun finish')).toBe('perfkit core/guards');
    expect(ownerGroup('perfkit core/store/OperationStore operation')).toBe('perfkit core');
    expect(ownerGroup('perfkit host/collectors/CpuCollector collect')).toBe('perfkit host');
    expect(ownerGroup('node/v8: writev')).toBe('node/v8 (no perfkit or app frame)');
    expect(ownerGroup('otel @opentelemetry/sdk-metrics')).toBe('otel');
  });
});
