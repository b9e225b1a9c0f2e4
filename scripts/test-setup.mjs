#!/usr/bin/env node
// Installs the real components the end-to-end tests run against, from Debian packages, only when missing:
// Prometheus + promtool, Alertmanager + amtool, docker-compose (config validation only), Chromium, a C compiler.
import { execFileSync, spawnSync } from 'node:child_process';

const NEEDS = [
  { bin: 'prometheus', pkg: 'prometheus' },
  { bin: 'promtool', pkg: 'prometheus' },
  { bin: 'prometheus-alertmanager', pkg: 'prometheus-alertmanager' },
  { bin: 'amtool', pkg: 'prometheus-alertmanager' },
  { bin: 'docker-compose', pkg: 'docker-compose' },
  { bin: 'chromium', pkg: 'chromium' },
  { bin: 'cc', pkg: 'gcc' },
];

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
