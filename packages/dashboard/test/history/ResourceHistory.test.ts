import { emptySample, ResourceHistory } from '@perfkit/dashboard';

function setup(capacity = 4) {
  const history = new ResourceHistory(capacity);
  const push = (at: number, cpu: number) => history.push({ ...emptySample(at), cpuUtilization: cpu });
  return { history, push };
}

describe('ResourceHistory', () => {
  it('keeps the newest samples when it wraps, in a fixed amount of memory', () => {
    const { history, push } = setup(4);
    const bytes = history.bytes;
    for (let i = 1; i <= 10; i++) push(i * 1000, i / 10);
    expect(history.size).toBe(4);
    expect(history.bytes).toBe(bytes);
    expect(history.since(0).map((s) => s.at)).toEqual([7000, 8000, 9000, 10000]);
    expect(history.latest()!.cpuUtilization).toBe(1);
  });

  it('drops samples with a non-finite or not newer time, and stores non-finite figures as unknown', () => {
    const { history, push } = setup(8);
    expect(push(2000, 0.5)).toBe(true);
    expect(push(2000, 0.6)).toBe(false);
    expect(push(1000, 0.6)).toBe(false);
    expect(push(NaN, 0.6)).toBe(false);
    expect(push(Infinity, 0.6)).toBe(false);
    expect(history.push({ ...emptySample(3000), cpuUtilization: Infinity, memoryUsedBytes: 'x' as never })).toBe(true);
    const last = history.latest()!;
    expect(Number.isNaN(last.cpuUtilization) && Number.isNaN(last.memoryUsedBytes)).toBe(true);
    expect(history.size).toBe(2);
  });

  it('thins columns evenly to maxPoints, keeping the newest, with null for unknown', () => {
    const { history, push } = setup(100);
    for (let i = 0; i < 100; i++) push(i * 1000, i % 2 ? NaN : i / 100);
    const cols = history.columnsSince(50_000, 10);
    expect(cols.t.length).toBeLessThanOrEqual(10);
    expect(cols.t[cols.t.length - 1]).toBe(99_000);
    expect(cols.values.cpuUtilization.every((v) => v === null || (v >= 0.5 && v < 1))).toBe(true);
    expect(cols.values.gpuUtilization.every((v) => v === null)).toBe(true);
  });
});
