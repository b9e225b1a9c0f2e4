import { createPerfkit } from '@perfkit/core';

function setup() {
  const perf = createPerfkit({ serviceName: 'test', prometheus: { serve: false }, logLevel: 'none' });
  return { perf };
}

describe('OperationHandle', () => {
  it('records a sync success and returns the value', async () => {
    const { perf } = setup();
    const value = perf.operation('download', 'a').track(() => 42);
    expect(value).toBe(42);
    const s = perf.snapshot().series.find((x) => x.type === 'download' && x.outcome === 'success');
    expect(s?.count).toBe(1);
    await perf.shutdown();
  });
});
