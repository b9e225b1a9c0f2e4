import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateFiles, OUTPUT_PATHS, parseSlaSpec } from '@perfkit/sla';

/** Generates the rules of a spec with cpu and memory limits into a temporary directory. */
function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'perfkit-sla-resources-'));
  const { files } = generateFiles(parseSlaSpec({ service: 'svc', resources: { memory: { max: 0.85, for: '1m' }, cpu: { max: 0.9, for: '1m' } } }));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  const promtool = (...files: string[]) => execFileSync('promtool', ['test', 'rules', ...files], { encoding: 'utf8', stdio: 'pipe' });
  return { dir, files, promtool };
}

/**
 * A promtool test written by hand (not by the generator): three targets, one whose container is over its limit on
 * a quiet host, one without a container limit whose host is over, one whose container is within its limit on a busy
 * host. Only the first two may alert.
 */
function handWrittenTest(ruleFile: string): string {
  const series = (name: string, instance: string, value: number) => `      - series: '${name}{job="svc",instance="${instance}"}'\n        values: '${value}x20'`;
  const firing = (alert: string, limit: string, instance: string) =>
    `          - labels: 'ALERTS{alertname="${alert}",alertstate="firing",severity="ticket",service="svc",limit="${limit}",job="svc",instance="${instance}"}'\n            value: 1`;
  return `rule_files: ['${ruleFile}']
evaluation_interval: 15s
tests:
  - interval: 15s
    input_series:
${series('perfkit_container_memory_utilization_ratio', 'a:1', 0.95)}
${series('system_memory_utilization_ratio', 'a:1', 0.2)}
${series('system_memory_utilization_ratio', 'b:1', 0.95)}
${series('perfkit_container_memory_utilization_ratio', 'c:1', 0.3)}
${series('system_memory_utilization_ratio', 'c:1', 0.95)}
${series('perfkit_container_cpu_utilization_ratio', 'a:1', 0.99)}
${series('system_cpu_busy_ratio', 'a:1', 0.1)}
${series('system_cpu_busy_ratio', 'b:1', 0.99)}
${series('perfkit_container_cpu_utilization_ratio', 'c:1', 0.2)}
${series('system_cpu_busy_ratio', 'c:1', 0.99)}
    promql_expr_test:
      - expr: 'ALERTS{alertstate="firing",alertname="HostMemoryHigh"}'
        eval_time: 4m
        exp_samples:
${firing('HostMemoryHigh', 'memory', 'a:1')}
${firing('HostMemoryHigh', 'memory', 'b:1')}
      - expr: 'ALERTS{alertstate="firing",alertname="HostCpuHigh"}'
        eval_time: 4m
        exp_samples:
${firing('HostCpuHigh', 'cpu', 'a:1')}
${firing('HostCpuHigh', 'cpu', 'b:1')}
`;
}

describe('resource limits judge the container when it has a limit, the host otherwise', () => {
  it('alerts on the container over its limit and the unlimited host over it, not on a busy host with a calm container (hand-written promtool test)', () => {
    const { dir, promtool } = setup();
    const file = join(dir, 'hand.test.yml');
    writeFileSync(file, handWrittenTest(join(dir, OUTPUT_PATHS.rules)));
    expect(promtool(file)).toContain('SUCCESS');
  });

  it('generates promtool tests for both cases that pass, and fail when the rule judges only the host', () => {
    const { dir, files, promtool } = setup();
    const tests = join(dir, OUTPUT_PATHS.limitTests);
    expect(files[OUTPUT_PATHS.limitTests]).toContain('the container over its limit fires while the host is within it');
    expect(files[OUTPUT_PATHS.limitTests]).toContain('a container within its limit fires nothing on a host over it');
    expect(promtool(tests)).toContain('SUCCESS');
    // Weakened: the host figure alone, as before containers were judged.
    const hostOnly = files[OUTPUT_PATHS.rules]!.replace(/\(perfkit_container_\w+_utilization_ratio(?:\{[^}]*\})? or on \(job, instance\) (\w+(?:\{[^}]*\})?)\)/g, '$1');
    expect(hostOnly).not.toContain('perfkit_container');
    writeFileSync(join(dir, OUTPUT_PATHS.rules), hostOnly);
    expect(() => promtool(tests)).toThrow(/FAILED/);
    writeFileSync(join(dir, 'hand.test.yml'), handWrittenTest(join(dir, OUTPUT_PATHS.rules)));
    expect(() => promtool(join(dir, 'hand.test.yml'))).toThrow(/FAILED/);
  });
});
