// perfkit inside an existing Fastify app: every request timed per route, /metrics on the app's own port.
import Fastify from 'fastify';
import { createPerfkit, type OperationTimer } from '@perfkit/core';

const perf = createPerfkit({ serviceName: 'fastify-app', prometheus: { serve: false } });
perf.registerOperationType('http_request', { buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
const timers = new WeakMap<object, OperationTimer>();
const app = Fastify();

app.addHook('onRequest', async (req) => {
  timers.set(req, perf.operation('http_request', `${req.method} ${req.routeOptions.url ?? 'unmatched'}`).start());
});
app.addHook('onResponse', async (req, reply) => {
  const failed = reply.statusCode >= 500;
  timers.get(req)?.end(failed ? { outcome: 'failure', errorType: `http_${reply.statusCode}` } : {});
});
app.addHook('onClose', () => perf.shutdown());
app.get('/metrics', (req, reply) => {
  reply.hijack();
  perf.metricsHandler(req.raw, reply.raw);
});
app.get('/work', () => perf.trackOperation('model_operation', 'generate', async (op) => {
  op.addTokens(42);
  return { tokens: 42 };
}));

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void app.close());
app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' }).then((url) => console.log(`fastify-app on ${url}, metrics at ${url}/metrics`));
