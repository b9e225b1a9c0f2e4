import { perfkitPerTest } from './perfkitPerTest';

// What a handle's figures and scores look like on the wire: each expected line below is written by hand from the
// calls made (mutation testing, issue 18: the snapshot alone could not tell which figures a handle had reported).
const newPerfkit = perfkitPerTest();

function setup() {
  const perf = newPerfkit();
  /** The sample lines of one family (HELP and TYPE left out), in the order they were written. */
  const family = async (name: string) =>
    (await perf.metrics()).split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name}_bucket{`) || l.startsWith(`${name}_sum{`) || l.startsWith(`${name}_count{`));
  return { perf, family };
}

describe('OperationHandle figures on the wire', () => {
  it('writes only the figure each handle reported, and an integrity result as a passed/failed pair', async () => {
    const { perf, family } = setup();
    perf.operation('download', 'bytes').addBytes(1536);
    perf.operation('download', 'pass').integrityCheck(true);
    const fail = perf.operation('download', 'fail');
    fail.integrityCheck(false);
    fail.integrityCheck(false);
    perf.operation('download', 'retry').retry();
    perf.operation('download', 'items').addItems(3);
    perf.operation('health_check', 'corrupt').corruptionsFound(2);
    perf.operation('fallback', 'alt').alternativesConsidered(4);
    perf.operation('model_operation', 'gen').addTokens(5);
    perf.operation('model_operation', 'gen').addTokens(7);
    perf.operation('analytics_collection', 'rec').addRecords(9);
    perf.operation('download', 'nothing').record(0.1);

    const dl = (name: string) => `operation_type="download",operation_name="${name}"`;
    expect(await family('perfkit_download_bytes_total')).toEqual([`perfkit_download_bytes_total{${dl('bytes')}} 1536`]);
    expect(await family('perfkit_download_integrity_checks_total')).toEqual([
      `perfkit_download_integrity_checks_total{${dl('pass')},integrity_result="passed"} 1`,
      `perfkit_download_integrity_checks_total{${dl('pass')},integrity_result="failed"} 0`,
      `perfkit_download_integrity_checks_total{${dl('fail')},integrity_result="passed"} 0`,
      `perfkit_download_integrity_checks_total{${dl('fail')},integrity_result="failed"} 2`,
    ]);
    expect(await family('perfkit_operation_retries_total')).toEqual([`perfkit_operation_retries_total{${dl('retry')}} 1`]);
    expect(await family('perfkit_operation_items_total')).toEqual([`perfkit_operation_items_total{${dl('items')}} 3`]);
    expect(await family('perfkit_health_check_corruptions_total')).toEqual([
      'perfkit_health_check_corruptions_total{operation_type="health_check",operation_name="corrupt"} 2',
    ]);
    expect(await family('perfkit_fallback_alternatives_considered_total')).toEqual([
      'perfkit_fallback_alternatives_considered_total{operation_type="fallback",operation_name="alt"} 4',
    ]);
    expect(await family('perfkit_model_tokens_total')).toEqual(['perfkit_model_tokens_total{operation_type="model_operation",operation_name="gen"} 12']);
    expect(await family('perfkit_analytics_records_total')).toEqual([
      'perfkit_analytics_records_total{operation_type="analytics_collection",operation_name="rec"} 9',
    ]);
  });

  it('writes no figure for a handle whose every figure was dropped', async () => {
    const { perf } = setup();
    const op = perf.operation('download', 'hostile');
    for (const bad of [NaN, -1, Infinity, '3', null, {}]) op.addTokens(bad as number);
    op.integrityCheck(1 as unknown as boolean);
    expect(perf.snapshot().drops.invalid_value).toBe(7);
    expect((await perf.metrics()).split('\n').filter((l) => l.includes('operation_name="hostile"') && !l.startsWith('perfkit_operation_duration_'))).toEqual([
      'perfkit_operations_active{operation_type="download",operation_name="hostile"} 0',
    ]);
  });
});

describe('OperationHandle scores on the wire', () => {
  // SCORE_BUCKETS: 0.1, 0.25, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1, then +Inf; counts below are cumulative.
  const LE = ['0.1', '0.25', '0.5', '0.6', '0.7', '0.8', '0.9', '0.95', '0.99', '1', '+Inf'];
  const histogram = (name: string, labels: string, cumulative: number[], sum: string, count: number) => [
    ...LE.map((le, i) => `${name}_bucket{${labels},le="${le}"} ${cumulative[i]}`),
    `${name}_sum{${labels}} ${sum}`,
    `${name}_count{${labels}} ${count}`,
  ];

  it('keeps one row per handle and score, including a score of exactly 0 and 1, and drops scores outside 0..1', async () => {
    const { perf, family } = setup();
    const withFigure = perf.operation('health_check', 'disk');
    withFigure.corruptionsFound(1); // its extras exist before its first score
    const fresh = perf.operation('health_check', 'db'); // its first score comes before anything else
    fresh.integrityScore(1);
    withFigure.integrityScore(0);
    withFigure.integrityScore(0.5625);
    fresh.integrityScore(1);
    withFigure.integrityScore(0.125);
    perf.operation('fallback', 'f').compatibilityScore(0.95);
    for (const bad of [-0.01, 1.01, NaN, Infinity, -Infinity, '0.5', null, undefined]) {
      expect(() => fresh.integrityScore(bad as number)).not.toThrow();
      expect(() => fresh.compatibilityScore(bad as number)).not.toThrow();
    }
    expect(perf.snapshot().drops.invalid_value).toBe(16);

    const name = 'perfkit_health_check_integrity_score';
    expect(await family(name)).toEqual([
      // db: 1 and 1 -> both in le="1" (a bound is inclusive); sum 2.
      ...histogram(name, 'operation_type="health_check",operation_name="db"', [0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2], '2', 2),
      // disk: 0 -> le="0.1"; 0.125 -> le="0.25"; 0.5625 -> le="0.6"; sum 0.6875.
      ...histogram(name, 'operation_type="health_check",operation_name="disk"', [1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3], '0.6875', 3),
    ]);
    const compat = 'perfkit_fallback_compatibility_score';
    expect(await family(compat)).toEqual(histogram(compat, 'operation_type="fallback",operation_name="f"', [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1], '0.95', 1));
  });
});
