// CommonJS consumer of @perfkit/core installed from its tarball: serves /metrics on a free port and prints what a
// scrape gets. Run by test/packaging/packaging.test.ts inside a temporary project outside the monorepo.
const { createPerfkit } = require('@perfkit/core');

(async () => {
  const perf = createPerfkit({ serviceName: 'consumer-cjs', prometheus: { port: 0 }, logLevel: 'error' });
  await perf.ready();
  perf.operation('download', 'weights').track(() => 42);
  const res = await fetch(perf.metricsUrl);
  const text = await res.text();
  await perf.shutdown();
  process.stdout.write(`status ${res.status}\n${text}`);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
