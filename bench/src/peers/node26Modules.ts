import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** tools/node26: Node 26 and the peers that need Node >= 22 (@prometheus-io/client 0.16, OpenTelemetry SDK 3.1). */
export const NODE26_DIR = path.resolve(__dirname, '..', '..', '..', 'tools', 'node26');
/** The Node 26 binary from the npm package `node@26`. */
export const NODE26_BIN = path.join(NODE26_DIR, 'node_modules', 'node', 'bin', 'node');

/**
 * Loads a module from tools/node26/node_modules. These peers are not workspace dependencies (SDK 3 peers on
 * @opentelemetry/api 1.10, whose types clash with core's 1.9), so they come untyped: each peer file says what it uses.
 */
export function node26Require<T>(id: string): T {
  if (!existsSync(path.join(NODE26_DIR, 'package.json'))) throw new Error('tools/node26 is missing: run node scripts/test-setup.mjs');
  return createRequire(path.join(NODE26_DIR, 'package.json'))(id) as T;
}
