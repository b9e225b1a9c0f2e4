import { startAlertmanager } from '../../../test/helpers/alertmanager';

export { waitFor } from '../../../test/helpers/waitFor';

/** An alert as Alertmanager's API v2 holds it. */
export interface HeldAlert {
  labels: Record<string, string>;
  status: { state: string; inhibitedBy: string[] };
}

/** A real Alertmanager on a free loopback port: post alerts, read them back with their state. */
export interface RealAlertmanager {
  post(alerts: Array<{ labels: Record<string, string> }>): Promise<void>;
  alerts(): Promise<HeldAlert[]>;
}

/** Runs `fn` against a real Alertmanager started with `configYaml` (test/helpers' starter), then stops it. */
export async function withAlertmanager(configYaml: string, fn: (am: RealAlertmanager) => Promise<void>): Promise<void> {
  const am = await startAlertmanager({ configYaml });
  try {
    await fn({
      async post(alerts) {
        const res = await fetch(`${am.url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
        if (!res.ok) throw new Error(`alertmanager answered ${res.status}: ${await res.text()}`);
      },
      alerts: async () => (await am.alerts()) as unknown as HeldAlert[],
    });
  } finally {
    await am.stop();
  }
}
