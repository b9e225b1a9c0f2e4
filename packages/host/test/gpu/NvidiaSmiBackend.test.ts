import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NvidiaSmiBackend } from '../../src/gpu/NvidiaSmiBackend';
import { captureDiag, FAKE_NVIDIA_SMI, tempDir, waitFor } from '../fixtures/fakes';

const LINES = [
  '0, GPU-aaaaaaaa-0000-4000-8000-000000000000, NVIDIA A100-SXM4-40GB, 35, 1024, 40960, 45, 120.50, 1410',
  '1, GPU-bbbbbbbb-1111-4000-8000-000000000001, NVIDIA A100-SXM4-40GB, [N/A], 2048, 40960, 47, [N/A], 1410',
  'this line is malformed',
  '2, GPU-cccccccc-2222-4000-8000-000000000002, Tesla T4, 99, 15000, 15360, 80, 69.9, 1590',
].join('\\n');

describe('NvidiaSmiBackend', () => {
  const backends: NvidiaSmiBackend[] = [];
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    await Promise.all(backends.splice(0).map((b) => b.close()));
    for (const c of cleanups.splice(0)) c();
  });

  function setup(env: Record<string, string>, options: { giveUp?: boolean; restartDelayMs?: number; maxRestartDelayMs?: number; stallTimeoutMs?: number } = {}) {
    const { dir, cleanup } = tempDir('smi');
    cleanups.push(cleanup);
    const log = join(dir, 'starts.log');
    Object.assign(process.env, { FAKE_SMI_LOG: log, FAKE_SMI_LINES: LINES, FAKE_SMI_MODE: 'loop', ...env });
    const { diag, lines } = captureDiag();
    const gaveUp: string[] = [];
    const backend = new NvidiaSmiBackend({
      path: FAKE_NVIDIA_SMI,
      intervalMs: 100,
      restartDelayMs: options.restartDelayMs ?? 150,
      maxRestartDelayMs: options.maxRestartDelayMs ?? 600,
      giveUpIfNeverAnswered: options.giveUp ?? false,
      diag,
      stallTimeoutMs: options.stallTimeoutMs,
      onGiveUp: (reason) => gaveUp.push(reason),
    });
    backends.push(backend);
    const starts = () => {
      try {
        return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { at: number; args: string[] });
      } catch {
        return [];
      }
    };
    return { backend, lines, starts, gaveUp };
  }

  it('reads several GPUs from ONE loop process, skipping the malformed line and leaving N/A undefined', async () => {
    const { backend, starts, lines } = setup({});
    backend.start();
    await waitFor(() => backend.devices().length === 3);
    await new Promise((r) => setTimeout(r, 350));
    const [a, b, t4] = backend.devices();
    expect(a).toMatchObject({ index: 0, uuid: 'GPU-aaaaaaaa-0000-4000-8000-000000000000', utilization: 0.35, power: 120.5, smClock: 1410e6 });
    expect(b!.utilization).toBeUndefined();
    expect(b!.power).toBeUndefined();
    expect(t4).toMatchObject({ name: 'Tesla T4', temperature: 80 });
    expect(starts()).toHaveLength(1);
    expect(starts()[0]!.args).toContain('--loop-ms=100');
    expect(backend.malformedLines).toBeGreaterThanOrEqual(2);
    expect(lines.filter((l) => l.includes('cannot read'))).toHaveLength(1);
    expect(backend.answered).toBe(true);
  });

  it('restarts a loop that crashes mid-stream after a delay that doubles per failure', async () => {
    // The cap (1200 ms) is above a crashing process's lifetime even on a loaded machine, so failures keep counting.
    const { backend, starts, lines } = setup({ FAKE_SMI_MODE: 'crash-after=2' }, { restartDelayMs: 150, maxRestartDelayMs: 1200 });
    backend.start();
    await waitFor(() => starts().length >= 4, 8000);
    const at = starts().map((s) => s.at);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    // Each process lives ~200 ms (two rounds) before dying; the restart delay comes on top: 150, 300, 600.
    expect(gaps[0]!).toBeGreaterThanOrEqual(150 + 150);
    expect(gaps[1]!).toBeGreaterThanOrEqual(300 + 150);
    expect(gaps[2]!).toBeGreaterThanOrEqual(600 + 150);
    expect(lines.filter((l) => l.startsWith('warn:') && l.includes('restarting'))).toHaveLength(1);
    expect(lines.some((l) => l.includes('GPU is lost'))).toBe(true);
  });

  it('drops devices that stop being printed rather than keeping frozen numbers', async () => {
    const { backend } = setup({ FAKE_SMI_MODE: 'crash-after=1' }, { restartDelayMs: 5000, maxRestartDelayMs: 5000 });
    backend.start();
    await waitFor(() => backend.devices().length === 3);
    await waitFor(() => backend.devices().length === 0, 3000);
  });

  it('gives up once, without restarting, when the first process fails before any valid line (auto mode)', async () => {
    const { backend, starts, gaveUp } = setup({ FAKE_SMI_MODE: 'fail-start' }, { giveUp: true, restartDelayMs: 50 });
    backend.start();
    await waitFor(() => gaveUp.length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(starts()).toHaveLength(1);
    expect(gaveUp[0]).toMatch(/couldn't communicate with the NVIDIA driver/);
    expect(backend.devices()).toEqual([]);
  });

  it('kills a loop that prints nothing (wedged driver) and gives up in auto mode', async () => {
    // 1.5 s: the fake must have started (and logged its start) before the watchdog kills it, on a loaded machine too.
    const { backend, starts, gaveUp } = setup({ FAKE_SMI_MODE: 'hang' }, { giveUp: true, stallTimeoutMs: 1500 });
    backend.start();
    await waitFor(() => gaveUp.length === 1, 10_000);
    expect(gaveUp[0]).toMatch(/no output for 1500 ms; killed/);
    expect(starts()).toHaveLength(1);
  });

  it('gives up once without throwing when the executable does not exist', async () => {
    const { diag } = captureDiag();
    const gaveUp: string[] = [];
    const backend = new NvidiaSmiBackend({
      path: '/nonexistent/nvidia-smi',
      intervalMs: 100,
      restartDelayMs: 50,
      maxRestartDelayMs: 50,
      giveUpIfNeverAnswered: true,
      diag,
      onGiveUp: (r) => gaveUp.push(r),
    });
    backends.push(backend);
    expect(() => backend.start()).not.toThrow();
    await waitFor(() => gaveUp.length === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(backend.spawns).toBe(1);
    expect(gaveUp[0]).toMatch(/ENOENT/);
  });

  it('kills the loop process on close and does not restart it', async () => {
    const { backend, starts } = setup({});
    backend.start();
    await waitFor(() => backend.devices().length === 3);
    await backend.close();
    await backend.close();
    await new Promise((r) => setTimeout(r, 300));
    expect(starts()).toHaveLength(1);
    expect(backend.devices()).toEqual([]);
  });
  it('asks again at once without a field an older driver refuses (the older name first), keeping every other figure', async () => {
    const fields = 'index,uuid,name,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw,clocks.sm,utilization.memory,clocks_throttle_reasons.active,ecc.errors.corrected.volatile.total';
    const { backend, starts, lines, gaveUp } = setup(
      {
        FAKE_SMI_FIELDS: fields,
        FAKE_SMI_LINES: '0, GPU-aaaaaaaa-0000-4000-8000-000000000000, Tesla V100-SXM2-16GB, 35, 1024, 16160, 45, 120.50, 1380, 20, 0x0000000000000020, 3',
        FAKE_SMI_REJECT: 'clocks_event_reasons.active,memory.reserved',
      },
      { giveUp: true },
    );
    try {
      backend.start();
      await waitFor(() => backend.devices().length === 1);
      expect(backend.devices()[0]).toMatchObject({ memoryControllerUtilization: 0.2, clockEventReasons: 0x20, eccCorrected: 3, smClock: 1380e6 });
      expect(backend.devices()[0]!.memoryReserved).toBeUndefined();
      const queries = starts().map((s) => s.args[0]!);
      // 1: everything; 2: memory.reserved refused (the first unknown field), dropped; 3: clocks_event_reasons
      // refused, its pre-R535 name asked instead.
      expect(queries).toHaveLength(3);
      expect(queries[1]).not.toContain('memory.reserved');
      expect(queries[1]).toContain('clocks_event_reasons.active');
      expect(queries[2]).not.toContain('clocks_event_reasons.active');
      expect(queries[2]).toContain('clocks_throttle_reasons.active');
      expect(gaveUp).toEqual([]);
      expect(lines.filter((l) => l.startsWith('warn'))).toEqual([]);
      expect(lines.filter((l) => /does not know a field/.test(l))).toHaveLength(2);
    } finally {
      for (const k of ['FAKE_SMI_FIELDS', 'FAKE_SMI_REJECT']) delete process.env[k];
    }
  });
});
