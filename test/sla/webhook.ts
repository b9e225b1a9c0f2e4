import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One alert inside an Alertmanager webhook notification. */
export interface WebhookAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

/** One notification Alertmanager delivered, with the path (receiver) it was posted to. */
export interface WebhookNotification {
  readonly path: string;
  readonly receiver: string;
  readonly status: 'firing' | 'resolved';
  readonly alerts: readonly WebhookAlert[];
}

/** A webhook receiver on a free loopback port that keeps every notification it gets. */
export interface WebhookReceiver {
  readonly url: string;
  readonly notifications: WebhookNotification[];
  close(): Promise<void>;
}

/** Starts the receiver Alertmanager posts to (the test's stand-in for a pager or ticket system). */
export async function startWebhook(): Promise<WebhookReceiver> {
  const notifications: WebhookNotification[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      try {
        const parsed = JSON.parse(body) as Omit<WebhookNotification, 'path'>;
        notifications.push({ ...parsed, path: req.url ?? '/' });
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    notifications,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
