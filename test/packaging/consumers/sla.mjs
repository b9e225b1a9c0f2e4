// @perfkit/sla installed with @perfkit/core (and @perfkit/host, its dependency for metric names): a spec becomes
// rules, and the in-process check runs as a plug-in.
import { createPerfkit } from '@perfkit/core';
import { generateRules, parseSlaSpec, slaPlugin } from '@perfkit/sla';

const spec = parseSlaSpec({
  service: 'consumer-sla',
  window: '28d',
  selector: { job: 'consumer-sla' },
  objectives: [{ id: 'download-success', operation: { type: 'download', name: 'weights' }, success: { target: 0.99 } }],
});
const perf = createPerfkit({ serviceName: 'consumer-sla', prometheus: { serve: false }, logLevel: 'error' });
perf.use(slaPlugin(spec));
perf.operation('download', 'weights').track(() => 1);
const rules = generateRules(spec);
await perf.shutdown();
process.stdout.write(JSON.stringify({ groups: rules.groups.length, alerts: rules.alerts.length }) + "\n");
