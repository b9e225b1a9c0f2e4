#!/usr/bin/env node
// Bundles the live page (page/app.ts + uPlot + CSS) into dist/public with esbuild, so the page needs no CDN and
// works offline. Runs from the package's build/prepare scripts and from the browser tests' setup. Files are built into
// a directory of their own and renamed into place (a rename is atomic): test files run in parallel workers build the
// page while another's Chromium may be loading it, and must never serve it a half-written bundle.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'public');
mkdirSync(out, { recursive: true });
const staging = mkdtempSync(join(root, 'dist', '.public-'));
try {
  const result = await build({
    entryPoints: { app: join(root, 'page', 'app.ts') },
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    outdir: staging,
    metafile: true,
    logLevel: 'warning',
  });
  copyFileSync(join(root, 'page', 'index.html'), join(staging, 'index.html'));
  for (const file of readdirSync(staging)) renameSync(join(staging, file), join(out, file));
  const sizes = Object.entries(result.metafile.outputs).map(([file, o]) => `${file.split('/').pop()} ${(o.bytes / 1024).toFixed(1)} KiB`);
  console.log(`dashboard page built: ${sizes.join(', ')}`);
} finally {
  rmSync(staging, { recursive: true, force: true });
}
