/**
 * Gap: a generate worker thread loaded the path of @perfkit/core that the main thread resolved with
 * `createRequire(__filename).resolve('@perfkit/core')`. Under jest that lookup goes through jest's module registry, whose
 * moduleNameMapper maps `@perfkit/*` to the TypeScript sources, so every in-process worker was handed
 * `packages/core/src/index.ts`, failed with "Unexpected token 'export'" (a worker thread is plain Node) and counted no
 * tokens: the in-process tests of the pool and the app did not test the token counting the real service (from dist/)
 * does. The worker now resolves the package itself, with Node's resolver from the example's location (the package's
 * `exports`: its built `dist/`).
 *
 * The expected figures are worked out by hand from the jobs below; the metric line is written out by hand.
 */
import { createPerfkit } from '@perfkit/core';
import { ensureBuilt } from '../../../../test/helpers/build';
import { createGeneratePool, type GenerateJob } from '../../src/generatePool';

/** prompt of 9 characters: ceil(9 / 4) = 3 prompt tokens, plus 5 completion tokens = 8 tokens per job. */
const JOB: GenerateJob = { model: 'm', prompt: 'abcdefghi', completionTokens: 5, durationMs: 0 };

function setup() {
  ensureBuilt('packages/core', 'index.js'); // what a worker loads: `npm test` builds it first, this keeps `npx jest` honest
  const perf = createPerfkit({ serviceName: 'generate-tokens-test', prometheus: { serve: false }, logLevel: 'none' });
  const pool = createGeneratePool(perf, { size: 1 });
  const close = async () => {
    await pool.close();
    await perf.shutdown();
  };
  return { perf, pool, close };
}

describe('in-process-generate-workers-count-no-tokens', () => {
  it('counts the tokens a worker thread decodes in the main thread perfkit', async () => {
    const { perf, pool, close } = setup();
    try {
      await pool.generate(JOB);
      await pool.generate(JOB);
      // two jobs of 3 + 5 tokens, recorded by the worker thread and collected by the main thread's scrape
      expect(await perf.metrics()).toContain('perfkit_model_tokens_total{operation_type="model_operation",operation_name="generate"} 16\n');
    } finally {
      await close();
    }
  });
});
