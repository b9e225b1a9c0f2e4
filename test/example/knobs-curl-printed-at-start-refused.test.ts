import { execFileSync } from 'node:child_process';
import { startExample, waitFor, type StartedExample } from '../helpers';

/**
 * The example's start-up banner told a new user to change a knob with
 * `curl -X POST http://127.0.0.1:8080/knobs -d '{"downloadFailureRate":0.5}'`; the service refuses every POST whose
 * body is not declared `application/json` (curl -d sends `application/x-www-form-urlencoded`), so the printed command
 * answered 415 and changed nothing. The banner now prints the content type, and the `x-api-key` header (as the
 * shell variable, never the key itself) when PERFKIT_DASHBOARD_API_KEY is set. Judged by running the printed command
 * through a real shell and curl, then reading the knobs back.
 */
describe('knobs curl printed at start refused', () => {
  const API_KEY = 'knobs-banner-test-key-0123456789';
  let example: StartedExample | undefined;
  afterEach(async () => {
    await example?.stop();
    example = undefined;
  });

  const setup = async (env: Record<string, string>) => {
    example = await startExample({ traffic: false, backgroundIntervalMs: 60_000, env });
    const started = example;
    const line = await waitFor(() => started.process.output().split('\n').find((l) => l.includes('failure knobs')), 10_000, 50);
    const command = /\((curl .*)\)\s*$/.exec(line)?.[1];
    if (command === undefined) throw new Error(`no curl command on the banner line: ${line}`);
    return { example: started, command };
  };

  const runPrinted = (command: string, env: Record<string, string>) =>
    execFileSync('sh', ['-c', `${command} --silent --show-error --max-time 10 --output /dev/null --write-out '%{http_code}'`], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });

  it('changes the knob when the printed command is run as printed', async () => {
    const { example: ex, command } = await setup({});
    expect(runPrinted(command, {})).toBe('200');
    const knobs = (await (await fetch(`${ex.app}/knobs`)).json()) as Record<string, number>;
    expect(knobs.downloadFailureRate).toBe(0.5);
  });

  it('sends the key from the environment, not the key itself, when the service has one', async () => {
    const env = { PERFKIT_DASHBOARD_API_KEY: API_KEY };
    const { example: ex, command } = await setup(env);
    expect(command).not.toContain(API_KEY);
    expect(ex.process.output()).not.toContain(API_KEY);
    expect(runPrinted(command, env)).toBe('200');
    const knobs = (await (await fetch(`${ex.app}/knobs`)).json()) as Record<string, number>;
    expect(knobs.downloadFailureRate).toBe(0.5);
  });
});
