/** `npm run bench`: runs the suites against the built packages, prints the tables, writes results/latest.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseBenchCli, ROOT } from './cli';
import { textTables } from './format';
import { writeDocs } from './report/writeDocs';
import { runBench } from './runner';

let isFinished = false;
// A suite awaiting a promise that nothing will settle lets the event loop empty out; say so instead of exiting silently.
process.on('exit', (code) => {
  if (!isFinished && code === 0) {
    process.stderr.write('bench stopped before it finished: a suite awaited something that never settled\n');
    process.exitCode = 1;
  }
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    isFinished = true;
    process.stderr.write(`bench interrupted (${signal})\n`);
    process.exit(130);
  });
}

async function main(): Promise<void> {
  const cli = parseBenchCli(process.argv.slice(2));
  const progress = (line: string): void => void process.stderr.write(`${line}\n`);
  progress(`perfkit bench: profile ${cli.profile.name}, node ${process.version}`);
  const results = await runBench({ profile: cli.profile, suites: cli.suites, root: ROOT, progress });
  process.stdout.write(textTables(results) + '\n');
  mkdirSync(path.dirname(cli.out), { recursive: true });
  writeFileSync(cli.out, JSON.stringify(results, null, 2) + '\n');
  progress(`\nwrote ${path.relative(process.cwd(), cli.out)} (${results.seconds} s)`);
  if (cli.writeDocs) {
    // With --suites, only the sections of the suites that ran are replaced: the page keeps the other suites' figures.
    for (const file of writeDocs(results, ROOT, cli.suites !== undefined)) progress(`wrote ${path.relative(process.cwd(), file)}`);
  }
}

main()
  .then(() => {
    isFinished = true;
  })
  .catch((err: unknown) => {
    isFinished = true;
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
