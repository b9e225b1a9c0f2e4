import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startProcess, type ManagedProcess } from './ChildProcess';
import { freePort } from './ports';
import { waitFor } from './waitFor';

/** Options of {@link startAlertmanager}. */
export interface StartAlertmanagerOptions {
  /** alertmanager.yml contents (default: one receiver that sends nowhere). */
  readonly configYaml?: string;
  /** Binary (default `prometheus-alertmanager`, the Debian name, else `alertmanager`). */
  readonly binary?: string;
}

/** An Alertmanager started by a test on a free loopback port, clustering off, temporary storage. */
export interface StartedAlertmanager {
  /** Base URL, e.g. http://127.0.0.1:41235. */
  readonly url: string;
  readonly dir: string;
  readonly process: ManagedProcess;
  /** Alerts it holds now (GET /api/v2/alerts). */
  alerts(): Promise<Array<{ labels: Record<string, string>; annotations: Record<string, string>; status: { state: string } }>>;
  /** Stops it and deletes the temporary directory. Idempotent. */
  stop(): Promise<void>;
}

const DEFAULT_CONFIG = `route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n`;

/** Starts a real Alertmanager. */
export async function startAlertmanager(options: StartAlertmanagerOptions = {}): Promise<StartedAlertmanager> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-alertmanager-'));
  const configFile = path.join(dir, 'alertmanager.yml');
  fs.writeFileSync(configFile, options.configYaml ?? DEFAULT_CONFIG);
  const binary = options.binary ?? (fs.existsSync('/usr/bin/prometheus-alertmanager') ? 'prometheus-alertmanager' : 'alertmanager');
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const proc = startProcess(binary, [
      `--config.file=${configFile}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ]);
    try {
      await Promise.race([
        waitFor(async () => (await fetch(`${url}/-/ready`)).ok, 20_000, 100),
        proc.exited.then((code) => {
          throw new Error(`alertmanager exited (${String(code)})`);
        }),
      ]);
      let stopping: Promise<void> | undefined;
      return {
        url,
        dir,
        process: proc,
        async alerts() {
          const res = await fetch(`${url}/api/v2/alerts`);
          if (!res.ok) throw new Error(`alertmanager /api/v2/alerts answered ${res.status}`);
          return (await res.json()) as Awaited<ReturnType<StartedAlertmanager['alerts']>>;
        },
        stop: () =>
          (stopping ??= (async () => {
            await proc.stop();
            fs.rmSync(dir, { recursive: true, force: true });
          })()),
      };
    } catch (err) {
      lastError = new Error(`${(err as Error).message}\n--- alertmanager output ---\n${proc.output()}`);
      await proc.stop();
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  throw lastError;
}
