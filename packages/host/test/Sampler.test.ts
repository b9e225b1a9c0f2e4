import { Sampler } from '../src/Sampler';
import { captureDiag } from './fixtures/fakes';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Sampler', () => {
  const samplers: Sampler[] = [];
  afterEach(async () => {
    await Promise.all(samplers.splice(0).map((s) => s.stop()));
  });
  function setup(collect: () => void | Promise<void>, intervalMs = 50) {
    const { diag, lines } = captureDiag();
    const sampler = new Sampler('test', intervalMs, collect, diag);
    samplers.push(sampler);
    return { sampler, lines };
  }

  it('runs soon after start, then on its interval, on timers that do not keep the process alive', async () => {
    let runs = 0;
    const { sampler } = setup(() => {
      runs++;
    });
    sampler.start();
    const timer = (sampler as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(false);
    await sleep(180);
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(sampler.lastSuccessAt).toBeGreaterThan(0);
  });

  it('never overlaps a slow run and shares it with a caller of runOnce', async () => {
    let active = 0;
    let maxActive = 0;
    const { sampler } = setup(async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await sleep(120);
      active--;
    }, 20);
    sampler.start();
    await sleep(10);
    const a = sampler.runOnce();
    const b = sampler.runOnce();
    expect(a).toBe(b);
    await sleep(300);
    expect(maxActive).toBe(1);
  });

  it('logs a repeated failure once at warn and then at debug, and never rejects', async () => {
    const { sampler, lines } = setup(() => {
      throw new Error('boom');
    });
    for (let i = 0; i < 5; i++) await expect(sampler.runOnce()).resolves.toBeUndefined();
    expect(lines.filter((l) => l.startsWith('warn:'))).toEqual(['warn: host test collection failed']);
    expect(lines.filter((l) => l.startsWith('debug:'))).toHaveLength(4);
    expect(sampler.lastSuccessAt).toBe(0);
  });

  it('logs again at warn when the failure changes, and survives hostile throws (non-Error values)', async () => {
    const thrown: unknown[] = [new Error('a'), 'a string', NaN, undefined, { toString: () => 'x'.repeat(100_000) }];
    let i = 0;
    const { sampler, lines } = setup(() => {
      throw thrown[i++];
    });
    for (let n = 0; n < thrown.length; n++) await sampler.runOnce();
    expect(lines.filter((l) => l.startsWith('warn:'))).toHaveLength(5);
  });

  it('stops for good and waits for a run in flight when stopped twice', async () => {
    let runs = 0;
    const { sampler } = setup(async () => {
      runs++;
      await sleep(50);
    });
    sampler.start();
    await sleep(10);
    await sampler.stop();
    await sampler.stop();
    const after = runs;
    await sleep(150);
    await sampler.runOnce();
    expect(runs).toBe(after);
  });
});
