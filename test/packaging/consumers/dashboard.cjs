// @perfkit/dashboard installed with @perfkit/core only (no host, no sla): the page and the API are served, the
// resource figures come from its own fallback sampler.
const { createPerfkit } = require('@perfkit/core');
const { dashboardPlugin } = require('@perfkit/dashboard');

(async () => {
  const perf = createPerfkit({ serviceName: 'consumer-dashboard', prometheus: { serve: false }, logLevel: 'error' });
  const dashboard = perf.use(dashboardPlugin({ port: 0 }));
  await dashboard.ready();
  perf.operation('download', 'weights').track(() => 1);
  const page = await fetch(dashboard.url);
  const html = await page.text();
  const scripts = [...html.matchAll(/src="\/?([^"]+\.js)"/g)].map((m) => m[1]);
  const assets = await Promise.all(scripts.map(async (s) => (await fetch(new URL(s, dashboard.url))).status));
  const health = await fetch(new URL('/health', dashboard.url));
  await perf.shutdown();
  process.stdout.write(JSON.stringify({ page: page.status, scripts, assets, health: health.status }) + '\n');
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
