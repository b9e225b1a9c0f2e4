import http from 'node:http';
import https from 'node:https';

/** Status codes with which an OTLP receiver asks the sender to slow down (OTLP/HTTP spec). */
const THROTTLING = new Set([429, 502, 503, 504]);

/**
 * An agent factory for the OTLP exporter whose agents report the `Retry-After` header of every throttling
 * answer (429, 502, 503, 504) to `onRetryAfter`. The official exporter honours `Retry-After` only within one
 * export's timeout; perfkit then holds back the following periodic exports as well (see `CountingExporter`).
 */
export function retryAfterAgent(onRetryAfter: (header: string) => void): (protocol: string) => http.Agent {
  const watch = (req: http.ClientRequest) => {
    req.once('response', (res: http.IncomingMessage) => {
      const header = res.headers['retry-after'];
      if (res.statusCode !== undefined && THROTTLING.has(res.statusCode) && typeof header === 'string') onRetryAfter(header);
    });
  };
  return (protocol: string) => {
    const Base = protocol === 'https:' ? https.Agent : http.Agent;
    const agent = new Base({ keepAlive: true });
    const add = (agent as unknown as { addRequest: (req: http.ClientRequest, options: unknown) => void }).addRequest;
    (agent as unknown as { addRequest: (req: http.ClientRequest, options: unknown) => void }).addRequest = function (req, options) {
      watch(req);
      return add.call(this, req, options);
    };
    return agent;
  };
}
