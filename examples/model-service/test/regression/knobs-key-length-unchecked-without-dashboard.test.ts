/**
 * Bug: with `--no-dashboard` (or `--no-perfkit`), `POST /knobs` is still guarded by PERFKIT_DASHBOARD_API_KEY, but the
 * example took the variable as it was (`process.env.PERFKIT_DASHBOARD_API_KEY || undefined`), without the 16-512
 * character rule the dashboard applies to the same key: a 3-character key started the service, listening beyond
 * loopback behind a key anyone can guess. It is now refused at start-up, before anything listens, with the message the
 * dashboard gives for it (the dashboard's exported schema and variables, through core's resolveConfig). The expected
 * messages are written out by hand; the dashboard's own refusal is read from `loadDashboardConfig`.
 */
import { PerfkitConfigError } from '@perfkit/core';
import { loadDashboardConfig } from '@perfkit/dashboard';
import { startModelService } from '../../src/app';
import { parseCli, type ExampleOptions } from '../../src/cli';

const KEY_VARIABLE = 'PERFKIT_DASHBOARD_API_KEY';
const HOSTS_VARIABLE = 'PERFKIT_DASHBOARD_ALLOWED_HOSTS';

/** The start-up options of `main.js <flags>`: nothing generated, no worker threads, any free ports. */
function options(...flags: string[]): ExampleOptions {
  const parsed = parseCli(['--no-traffic', '--no-host', '--no-sla', '--port', '0', '--metrics-port', '0', '--generate-workers', '0', ...flags], {});
  if (parsed === 'help') throw new Error('unexpected --help');
  return parsed;
}

/** Runs startModelService with the variables set (and restored after); a service that did start is stopped at once. */
async function startWith(env: Record<string, string>, opts: ExampleOptions): Promise<unknown> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await startModelService(opts).then(
      async (running) => {
        await running.stop(0);
        return 'started';
      },
      (err: unknown) => err,
    );
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('knobs-key-length-unchecked-without-dashboard', () => {
  it.each([
    ['--no-dashboard', ['--no-dashboard'], 'k3y', 3],
    ['--no-dashboard, beyond loopback', ['--no-dashboard', '--host', '0.0.0.0'], 'k3y', 3],
    ['--no-perfkit', ['--no-perfkit'], 'fifteen-chars!!', 15],
    ['--no-dashboard, 513 characters', ['--no-dashboard'], 'k'.repeat(513), 513],
  ])('refuses a key the dashboard refuses (%s), with the dashboard\'s message', async (_, flags, key, length) => {
    const err = await startWith({ [KEY_VARIABLE]: key }, options(...flags));
    expect(err).toBeInstanceOf(PerfkitConfigError);
    expect((err as PerfkitConfigError).code).toBe('PERFKIT_ERR_INVALID_CONFIG');
    const message = `Invalid perfkit configuration: dashboard.apiKey = "[redacted, ${length} characters]" (from PERFKIT_DASHBOARD_API_KEY): expected at least 16 characters (at most 512)`;
    expect((err as Error).message).toBe(message);
    expect(() => loadDashboardConfig(undefined, { [KEY_VARIABLE]: key })).toThrow(message);
    expect((err as Error).message).not.toContain(key);
  });

  it('refuses a Host name the dashboard refuses, naming the variable and what is allowed', async () => {
    const err = await startWith({ [HOSTS_VARIABLE]: 'ok.example.com,*.example.com' }, options('--no-dashboard'));
    expect(err).toBeInstanceOf(PerfkitConfigError);
    expect((err as Error).message).toBe(
      'Invalid perfkit configuration: dashboard.allowedHosts.1 = "*.example.com" (from PERFKIT_DASHBOARD_ALLOWED_HOSTS): expected a host name such as dashboard.example.com',
    );
  });

  it('starts with a 16-character key and then needs it on POST /knobs', async () => {
    const key = '0123456789abcdef';
    const saved = process.env[KEY_VARIABLE];
    process.env[KEY_VARIABLE] = key;
    const running = await startModelService(options('--no-dashboard')).finally(() => {
      if (saved === undefined) delete process.env[KEY_VARIABLE];
      else process.env[KEY_VARIABLE] = saved;
    });
    try {
      expect(running.hasApiKey).toBe(true);
      const post = (headers: Record<string, string>) =>
        fetch(running.urls.knobs, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"generateDelayMs":0}' });
      expect((await post({})).status).toBe(401);
      expect((await post({ 'x-api-key': key })).status).toBe(200);
    } finally {
      await running.stop(0);
    }
  });
});
