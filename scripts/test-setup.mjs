#!/usr/bin/env node
// Installs the real components the end-to-end tests run against, from Debian packages, only when missing:
// Prometheus + promtool, Alertmanager + amtool, docker-compose (config validation only), Chromium, a C compiler.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const NEEDS = [
  { bin: 'prometheus', pkg: 'prometheus' },
  { bin: 'promtool', pkg: 'prometheus' },
  { bin: 'prometheus-alertmanager', pkg: 'prometheus-alertmanager' },
  { bin: 'amtool', pkg: 'prometheus-alertmanager' },
  { bin: 'docker-compose', pkg: 'docker-compose' },
  { bin: 'chromium', pkg: 'chromium' },
  { bin: 'cc', pkg: 'gcc' },
];

// Node 26 (active LTS) for the Node 26 test slice, StrykerJS and the Node >= 22 benchmark peers, and Node 24 and 22
// for their slices (scripts/test-node-line.mjs): npm packages, each in its own folder, so their bin/node never
// shadows the machine's Node in npm scripts.
for (const line of [26, 24, 22]) {
  if (existsSync(new URL(`../tools/node${line}/node_modules/node/bin/node`, import.meta.url))) continue;
  console.log(`test-setup: npm ci --prefix tools/node${line} (Node ${line} from the npm registry)`);
  execFileSync('npm', ['ci', '--prefix', fileURLToPath(new URL(`../tools/node${line}`, import.meta.url)), '--no-audit', '--no-fund'], { stdio: 'inherit' });
}

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
const missing = [...new Set(NEEDS.filter((n) => !has(n.bin)).map((n) => n.pkg))];
if (missing.length === 0) {
  console.log('test-setup: prometheus, promtool, prometheus-alertmanager, amtool, docker-compose, chromium, cc present');
  process.exit(0);
}
const isRoot = process.getuid?.() === 0;
const sudo = isRoot ? [] : has('sudo') ? ['sudo', '-n'] : null;
if (!sudo) {
  console.error(`test-setup: missing Debian packages ${missing.join(' ')}; run as root or install them: apt-get install ${missing.join(' ')}`);
  process.exit(1);
}
const run = (args) => {
  console.log(`test-setup: ${[...sudo, ...args].join(' ')}`);
  execFileSync(sudo[0] ?? args[0], sudo.length ? [...sudo.slice(1), ...args] : args.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
};
run(['apt-get', 'update', '-qq']);
run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
const still = NEEDS.filter((n) => !has(n.bin)).map((n) => n.bin);
if (still.length) {
  console.error(`test-setup: still missing after install: ${still.join(' ')}`);
  process.exit(1);
}
