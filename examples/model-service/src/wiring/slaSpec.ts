import fs from 'node:fs';
import path from 'node:path';
import { loadSlaSpec, type SlaSpec } from '@perfkit/sla';

/** examples/sla.yaml, found from dist/ or src/ alike. */
export const DEFAULT_SLA_PATH = path.resolve(__dirname, '..', '..', '..', 'sla.yaml');

/**
 * Loads the SLA spec the example runs with: the given path (an error if it cannot be read or is invalid),
 * none when turned off, else examples/sla.yaml when it exists.
 */
export function loadExampleSla(option: string | false | undefined): { spec: SlaSpec; path: string } | undefined {
  if (option === false || option === 'false' || option === 'off') return undefined;
  if (option === undefined && !fs.existsSync(DEFAULT_SLA_PATH)) return undefined;
  const file = path.resolve(option ?? DEFAULT_SLA_PATH);
  return { spec: loadSlaSpec(file), path: file };
}
