/**
 * `node bench/dist/service/profileService.js [--rounds 4] [--seconds 5] [--connections 16] [--out DIR] [-- example args]`:
 * CPU profiles (node --cpu-prof, 250 µs) of the example with everything on and with --no-perfkit under the service
 * suite's load, in alternating rounds; prints each variant's main-thread busy time per 1,000 requests by owner (the
 * nearest perfkit or application frame on each sample's stack), and the perfkit frames that run only with perfkit.
 * Arguments after `--` go to the perfkit variant (e.g. `-- --no-host` to see a part's share go). The services run on the
 * suite's service CPUs (taskset); run this under `taskset -c 0` to keep the load on the other one, as the suite does.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../cli';
import { NO_PERFKIT_FLAG, pickModel, prepare, QUIET_ENV } from '../suites/serviceSuite';
import { busyByOwner, ownerGroup, type CpuProfile } from './cpuProfile';
import { exampleMain, startExample, type ExampleProcess } from './ExampleProcess';
import { driveGenerate } from './generateLoad';
import { cpuPlan } from './loadProcess';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { rounds: { type: 'string', default: '4' }, seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '16' }, out: { type: 'string' } }, allowPositionals: true });
  const rounds = Number(values.rounds), seconds = Number(values.seconds), connections = Number(values.connections);
  const dir = values.out ?? mkdtempSync(path.join(os.tmpdir(), 'perfkit-profile-'));
  const mainJs = exampleMain(ROOT);
  if (!mainJs) throw new Error('examples/model-service is not built');
  const variants: Array<[string, string[]]> = [['perfkit', positionals], ['without-perfkit', [NO_PERFKIT_FLAG]]];
  const started: Array<{ name: string; example: ExampleProcess; spawnedAt: number; requests: number }> = [];
  try {
    for (const [name, args] of variants) {
      const spawnedAt = Date.now();
      const example = await startExample(mainJs, args, QUIET_ENV, 20_000, ['--cpu-prof', '--cpu-prof-interval', '250', `--cpu-prof-dir=${path.join(dir, name)}`], cpuPlan().service);
      started.push({ name, example, spawnedAt, requests: 0 });
    }
    const model = await pickModel(started[0]!.example);
    for (const s of started) await prepare(s.example, model);
    for (const s of started) await driveGenerate(s.example.ready.app, model, 5, connections);
    const roundsFrom = Date.now();
    const loads: number[] = [];
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < started.length; i++) {
        const s = started[(i + round) % started.length]!;
        const r = await driveGenerate(s.example.ready.app, model, seconds, connections, s.example.child.pid);
        s.requests += r.requests;
        loads.push(r.load1);
        process.stderr.write(`round ${round + 1}/${rounds} ${s.name}: ${r.rps.toFixed(0)} req/s, ${r.cpuPerRequestMs?.toFixed(3) ?? '-'} ms CPU per request, load ${r.load1.toFixed(1)}\n`);
      }
    }
    for (const s of started) await s.example.stop(); // the profiles are written as the process exits
    process.stdout.write(`profiles in ${dir}; ${rounds} rounds of ${seconds} s, ${connections} connections, 1-minute load ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} on ${os.cpus().length} cores\n`);
    const tables = started.map((s) => {
      // The main thread's profile: thread id 0 in CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile.
      const file = readdirSync(path.join(dir, s.name)).find((f) => f.split('.')[4] === '0')!;
      const profile = JSON.parse(readFileSync(path.join(dir, s.name, file), 'utf8')) as CpuProfile;
      const owners = busyByOwner(profile, { skipUs: (roundsFrom - s.spawnedAt) * 1000, capUs: 500 });
      const per1k = (ms: number) => (ms * 1000) / s.requests;
      return { s, owners, per1k, busy: per1k([...owners.values()].reduce((a, b) => a + b, 0)) };
    });
    for (const { s, owners, per1k, busy } of tables) {
      const groups = new Map<string, number>();
      for (const [owner, ms] of owners) groups.set(ownerGroup(owner), (groups.get(ownerGroup(owner)) ?? 0) + ms);
      process.stdout.write(`\n${s.name}: ${s.requests} requests, main thread busy ${busy.toFixed(1)} ms per 1,000 requests\n`);
      for (const [group, ms] of [...groups].sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${per1k(ms).toFixed(2).padStart(8)}  ${(per1k(ms) / busy * 100).toFixed(1).padStart(5)} %  ${group}\n`);
    }
    // Shares of each variant's own busy time, so that rounds slowed by the machine weigh alike on both.
    const [pk, no] = tables as [(typeof tables)[0], (typeof tables)[0]];
    const share = (t: typeof pk, owner: string) => (t.per1k(t.owners.get(owner) ?? 0) / t.busy) * 100;
    const extra = [...pk.owners.keys()].filter((o) => o.startsWith('perfkit') || o.startsWith('otel')).map((o) => [o, share(pk, o) - share(no, o)] as const).filter(([, d]) => d > 0).sort((a, b) => b[1] - a[1]);
    process.stdout.write('\nperfkit code that runs more with perfkit: share of the busy main-thread time with perfkit minus without (%):\n');
    for (const [owner, d] of extra.slice(0, 25)) process.stdout.write(`  ${d.toFixed(2).padStart(6)} %  ${owner}\n`);
    process.stdout.write(`  total ${extra.reduce((a, [, d]) => a + d, 0).toFixed(1)} %\n`);
  } finally {
    for (const s of started) await s.example.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`profileService: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
