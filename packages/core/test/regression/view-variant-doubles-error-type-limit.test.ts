import { createPerfkit, type Perfkit } from '@perfkit/core';

const open: Perfkit[] = [];
afterAll(() => Promise.all(open.map((p) => p.shutdown())));

describe('regression: an operation a view names kept an error-type limit of its own', () => {
  it('keeps at most limits.maxErrorTypes error types per operation type, the view-named operation included', async () => {
    const perf = createPerfkit({
      prometheus: { serve: false },
      logLevel: 'none',
      limits: { maxErrorTypes: 2 },
      views: [{ operationType: 'download', operationName: 'n', buckets: [7] }],
    });
    open.push(perf);
    for (const errorType of ['A', 'B']) perf.operation('download', 'n').record(1, { outcome: 'failure', errorType });
    for (const errorType of ['C', 'D']) perf.operation('download', 'm').record(1, { outcome: 'failure', errorType });
    const text = await perf.metrics();
    const errorTypes = new Set([...text.matchAll(/^perfkit_operation_duration_seconds_count\{[^}]*operation_type="download"[^}]*error_type="([^"]*)"/gm)].map((m) => m[1]));
    // A and B fill the type's two error types; C and D, of another name of the same type, become _OTHER.
    expect([...errorTypes].sort()).toEqual(['A', 'B', '_OTHER']);
  });
});
