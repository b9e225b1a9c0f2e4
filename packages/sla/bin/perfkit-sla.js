#!/usr/bin/env node
'use strict';
// The perfkit-sla command. A file of its own rather than dist/cli.js, which a checkout has only after its build: npm
// links a workspace's bins when it installs, before any build, and skips a bin whose file is missing, so `npx
// perfkit-sla` in a fresh clone went to the public registry for a package of that name.
let cli;
try {
  cli = require('../dist/cli.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('dist/cli.js')) {
    console.error('perfkit-sla: @perfkit/sla is not built (dist/cli.js is missing); in the perfkit repository run `npm run build` first');
    process.exit(1);
  }
  throw err;
}
process.exitCode = cli.main(process.argv.slice(2));
