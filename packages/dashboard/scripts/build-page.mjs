#!/usr/bin/env node
// Bundles the live page (page/app.ts + uPlot + CSS) into dist/public with esbuild, so the page needs no CDN and
// works offline. Runs from the package's build/prepare scripts and from the browser test's setup.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'public');
mkdirSync(out, { recursive: true });
const result = await build({
  entryPoints: { app: join(root, 'page', 'app.ts') },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  outdir: out,
  metafile: true,
  logLevel: 'warning',
});
copyFileSync(join(root, 'page', 'index.html'), join(out, 'index.html'));
const sizes = Object.entries(result.metafile.outputs).map(([file, o]) => `${file.split('/').pop()} ${(o.bytes / 1024).toFixed(1)} KiB`);
console.log(`dashboard page built: ${sizes.join(', ')}`);
