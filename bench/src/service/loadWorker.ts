/** The load generator's process (see loadProcess.ts): one round of `POST /generate` per IPC message, its summary back. */
import { driveGenerate, summarizeRound } from './generateLoad';

process.on('message', (m: { app: string; model: string; seconds: number; connections: number; pid?: number }) => {
  driveGenerate(m.app, m.model, m.seconds, m.connections, m.pid).then(
    (r) => process.send!({ ok: true, round: summarizeRound(r) }),
    (err: unknown) => process.send!({ ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
process.on('disconnect', () => process.exit(0));
