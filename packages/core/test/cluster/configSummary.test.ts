import { loadConfig } from '../../src/config';
import { createDiagLogger } from '../../src/diag';
import { configDifferences, summarizeConfig } from '../../src/cluster/configSummary';
import { OperationStore } from '../../src/store/OperationStore';

function setup(input: Parameters<typeof loadConfig>[0] = {}) {
  const config = loadConfig({ prometheus: false, ...input }, {});
  return summarizeConfig(config, new OperationStore(config, createDiagLogger('none')));
}

describe('configDifferences', () => {
  it('finds nothing between two perfkits configured alike, whatever their instance ids', () => {
    expect(configDifferences(setup({ serviceInstanceId: 'a' }), setup({ serviceInstanceId: 'b', resourceAttributes: { 'service.instance.id': 'c' } }))).toEqual([]);
  });

  it('names each setting that differs, with both values', () => {
    const worker = setup({
      operationTypes: { download: { buckets: [1, 2] }, indexing: { buckets: [3] } },
      limits: { maxErrorTypes: 7 },
      views: [{ operationType: 'indexing', attributes: ['operation.type'] }],
      resourceAttributes: { region: 'eu' },
      serviceVersion: '2.0.0',
    });
    const diffs = configDifferences(worker, setup({ resourceAttributes: { region: 'us' } }));
    expect(diffs.map((d) => `${d.kind} ${d.key}: ${d.theirs} vs ${d.ours}`)).toEqual([
      'buckets download: [1,2] vs [0.1,0.25,0.5,1,2.5,5,10,30,60,120,300,600]',
      'limits maxErrorTypes: 7 vs 50',
      'shape views: [{"operationType":"indexing","attributes":["operation.type"]}] vs []',
      'resource region: "eu" vs "us"',
      'resource service.version: "2.0.0" vs (unset)',
    ]);
    expect(diffs[0]!.bounds).toEqual({ theirs: [1, 2], ours: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600] });
  });

  it.each([
    ['null', null],
    ['a string', 'config'],
    ['types of the wrong shape', { types: 'x', limits: [], shape: 7, resource: null }],
    ['buckets that are not numbers', { types: { download: ['a'] } }],
  ])('compares nothing it cannot read (%s), and never throws', (_name, theirs) => {
    expect(configDifferences(theirs, setup())).toEqual([]);
  });

  it('cuts a huge or unserialisable value to size', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const diffs = configDifferences({ ...setup(), limits: { maxErrorTypes: 'x'.repeat(10_000), maxNameLength: circular, maxSeriesPerMetric: Infinity } }, setup());
    expect(diffs.map((d) => [d.key, d.theirs])).toEqual([
      ['maxSeriesPerMetric', 'null'],
      ['maxErrorTypes', `"${'x'.repeat(76)}...`],
      ['maxNameLength', '(unreadable)'],
      ['maxOperationTypes', '(unset)'],
    ]);
  });
});
