#!/usr/bin/env node
/**
 * The perfkit example model service. Prints one machine-readable line, `PERFKIT_EXAMPLE_READY {json}`,
 * then the URLs for humans; stops cleanly (perf.shutdown(), flushing OTLP) on SIGINT/SIGTERM.
 */
import { gracefulShutdown } from '@perfkit/dashboard';
import { startModelService } from './app';
import { parseCli, PERFKIT_FLAG_ENV, USAGE, type ExampleOptions } from './cli';
import { readyFields, readyLine } from './readyLine';

async function main(): Promise<void> {
  let options: ExampleOptions | 'help';
  try {
    options = parseCli(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(USAGE + '\n');
    return;
  }
  // perfkit lets PERFKIT_* variables win over code; a flag given on the command line must win over both.
  for (const [key, name] of Object.entries(PERFKIT_FLAG_ENV)) {
    const value = options[key as keyof typeof PERFKIT_FLAG_ENV];
    if (value !== undefined) process.env[name] = String(value);
  }
  const running = await startModelService(options);
  // Before the READY line: whoever reads it may signal at once. The first signal drains (requests in flight finish
  // within the bound), a second cuts the bound to 1 s, and either way the final flush runs before exit.
  gracefulShutdown(running.server, {
    drainTimeoutMs: options.drainTimeoutMs,
    secondSignalTimeoutMs: 1000,
    beforeDrain: () => running.quiesce(),
    flush: () => running.flush(),
    flushTimeoutMs: 10_000,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  const { urls } = running;
  const ready = readyFields(running, options);
  process.stdout.write(`${readyLine(ready)}\n`);
  process.stdout.write(
    [
      `perfkit example model service "${ready.serviceName}" is running`,
      `  service        ${urls.service}`,
      `  models         ${urls.models}`,
      `  failure knobs  ${urls.knobs}   (${knobsCurl(urls.knobs, running.hasApiKey)})`,
      // Disabled, perfkit serves nothing: the /metrics URL would answer 404 "perfkit is disabled".
      `  metrics        ${options.perfkit ? urls.metrics : 'off (--no-perfkit: nothing measured or served)'}`,
      ...Object.entries(urls)
        .filter(([k]) => !['app', 'metrics', 'knobs', 'models', 'service'].includes(k))
        .map(([k, v]) => `  ${k.padEnd(14)} ${v}`),
      `  otlp push      ${ready.otlp ?? 'off (--otlp-url to enable)'}`,
      `  sla spec       ${ready.slaSpec ?? 'none'}`,
      `  traffic        ${options.traffic ? `${options.trafficRate} requests/s (--no-traffic to turn off)` : 'off'}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

/**
 * The knob command the banner prints, runnable as printed: every POST must declare a JSON body (415 otherwise), and
 * with a key configured it must carry it; the key is named as the shell variable, never printed.
 */
function knobsCurl(knobsUrl: string, hasApiKey: boolean): string {
  const key = hasApiKey ? ` -H "x-api-key: $PERFKIT_DASHBOARD_API_KEY"` : '';
  return `curl -X POST ${knobsUrl} -H 'content-type: application/json'${key} -d '{"downloadFailureRate":0.5}'`;
}

main().catch((err: unknown) => {
  const errCode = (err as { code?: unknown } | null)?.code;
  const code = typeof errCode === 'string' && errCode.startsWith('PERFKIT_ERR_') ? ` [${errCode}]` : '';
  process.stderr.write(`model-service failed to start${code}: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
