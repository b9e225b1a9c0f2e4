// @perfkit/host installed with @perfkit/core only: its gauges reach /metrics.
const { createPerfkit } = require('@perfkit/core');
const { hostMetrics } = require('@perfkit/host');

(async () => {
  const perf = createPerfkit({ serviceName: 'consumer-host', prometheus: { port: 0 }, logLevel: 'error' });
  const host = perf.use(hostMetrics({ intervalMs: 200, gpu: false }));
  await perf.ready();
  for (let i = 0; i < 50 && !host.latest(); i++) await new Promise((r) => setTimeout(r, 100));
  const text = await (await fetch(perf.metricsUrl)).text();
  await perf.shutdown();
  process.stdout.write(text);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
