/*
 * Bug: the README said every `hostMetrics()` option has a PERFKIT_HOST_* variable, but `nvmlTimeoutMs`,
 * `restartDelayMs`, `maxRestartDelayMs`, `maxGpuProcesses`, `eventLoopResolutionMs` and `filesystemTypes.include`
 * had none (and `eventLoopResolutionMs` was missing from the options table), so an operator who set, say,
 * PERFKIT_HOST_NVML_TIMEOUT_MS on a slow GPU node changed nothing, without a word. Each key now has its variable,
 * parsed like its neighbours, and the README's table lists every key and every variable.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOST_ENV_OVERRIDES, resolveHostConfig } from '../../src/config';

/** The option keys, written out here from the options table's meaning, not read from the code. */
const KEYS = [
  'intervalMs', 'ioIntervalMs', 'gpuIntervalMs', 'gpu',
  'groups.cpu', 'groups.memory', 'groups.filesystem', 'groups.disk', 'groups.network', 'groups.process', 'groups.eventLoop', 'groups.gc', 'groups.container',
  'mounts.include', 'mounts.exclude', 'filesystemTypes.include', 'filesystemTypes.exclude', 'interfaces.include', 'interfaces.exclude',
  'devices.include', 'devices.exclude', 'procPath', 'sysPath', 'cgroupPath', 'nvmlLibrary', 'nvmlTimeoutMs', 'nvidiaSmiPath',
  'restartDelayMs', 'maxRestartDelayMs', 'maxGpuProcesses', 'eventLoopResolutionMs',
];

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

describe('regression: every host option has its PERFKIT_HOST_* variable', () => {
  it('has a variable for every key', () => {
    const covered = new Set(HOST_ENV_OVERRIDES.map((o) => o.key));
    expect(KEYS.filter((k) => !covered.has(k))).toEqual([]);
  });

  it('reads the six variables that were missing, and they win over code', () => {
    const cfg = resolveHostConfig(
      { nvmlTimeoutMs: 5000, restartDelayMs: 1000, maxGpuProcesses: 16, eventLoopResolutionMs: 10 },
      {
        PERFKIT_HOST_NVML_TIMEOUT_MS: '20000',
        PERFKIT_HOST_RESTART_DELAY_MS: '250',
        PERFKIT_HOST_MAX_RESTART_DELAY_MS: '8000',
        PERFKIT_HOST_MAX_GPU_PROCESSES: '4',
        PERFKIT_HOST_EVENT_LOOP_RESOLUTION_MS: '20',
        PERFKIT_HOST_FILESYSTEM_TYPES_INCLUDE: 'ext4, xfs',
      },
    );
    expect(cfg).toMatchObject({ nvmlTimeoutMs: 20000, restartDelayMs: 250, maxRestartDelayMs: 8000, maxGpuProcesses: 4, eventLoopResolutionMs: 20 });
    expect(cfg.filesystemTypes.include).toEqual(['ext4', 'xfs']);
  });

  it('names the variable when its value is bad', () => {
    expect(() => resolveHostConfig({}, { PERFKIT_HOST_NVML_TIMEOUT_MS: 'slow' })).toThrow(/host\.nvmlTimeoutMs = "slow" \(from PERFKIT_HOST_NVML_TIMEOUT_MS\)/);
    expect(() => resolveHostConfig({}, { PERFKIT_HOST_MAX_GPU_PROCESSES: '-1' })).toThrow(/PERFKIT_HOST_MAX_GPU_PROCESSES/);
  });

  it('lists every key and every variable in the README', () => {
    const section = README.slice(README.indexOf('Options ('), README.indexOf('## Choices'));
    const keyNames = [...new Set(KEYS.map((k) => k.split('.')[0]!))];
    expect(keyNames.filter((k) => !section.includes(`\`${k}\``) && !section.includes(`\`${k}.`))).toEqual([]);
    const envNames = HOST_ENV_OVERRIDES.map((o) => o.env).filter((e) => !/_ENABLED$|_(INCLUDE|EXCLUDE)$/.test(e));
    expect(envNames.filter((e) => !section.includes(e))).toEqual([]);
  });
});
