import { createPerfkit } from '@perfkit/core';
import { observeGroup } from '../../src/instruments/observeGroup';

function setup() {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  return { perf, meter: perf.meter };
}

describe('observeGroup', () => {
  it('writes finite values and drops NaN, Infinity, undefined and non-numbers without throwing', async () => {
    const { perf, meter } = setup();
    try {
      const hostile: unknown[] = [NaN, Infinity, -Infinity, undefined, '12', null, {}];
      let i = 0;
      observeGroup(meter, ['memoryLimit', 'load1m'], (emit) => {
        emit('memoryLimit', 1024);
        emit('load1m', hostile[i++ % hostile.length] as number);
      });
      for (let n = 0; n < hostile.length; n++) {
        const text = await perf.metrics();
        expect(text).toContain('system_memory_limit_bytes 1024\n');
        expect(text).not.toMatch(/^system_cpu_load_average_1m /m);
      }
    } finally {
      await perf.shutdown();
    }
  });

  it('stops calling the reader once detached', async () => {
    const { perf, meter } = setup();
    try {
      let calls = 0;
      const detach = observeGroup(meter, ['memoryAvailable'], (emit) => {
        calls++;
        emit('memoryAvailable', 7);
      });
      expect(await perf.metrics()).toContain('system_memory_linux_available_bytes 7\n');
      detach();
      await perf.metrics();
      expect(calls).toBe(1);
    } finally {
      await perf.shutdown();
    }
  });

  it('keeps the scrape alive when the reader throws', async () => {
    const { perf, meter } = setup();
    try {
      observeGroup(meter, ['memoryLimit'], () => {
        throw new Error('reader broke');
      });
      await expect(perf.metrics()).resolves.toContain('target_info');
    } finally {
      await perf.shutdown();
    }
  });
});
