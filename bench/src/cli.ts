import path from 'node:path';
import { parseArgs } from 'node:util';
import { PROFILES, type Profile } from './profile';
import type { SuiteName } from './results';

/** Every suite, in run and page order. */
export const SUITE_NAMES: readonly SuiteName[] = ['record', 'scrape', 'otlp', 'memory', 'host', 'service', 'cluster'];

/** Repository root: bench/dist (or bench/src) is two levels below it. */
export const ROOT = path.resolve(__dirname, '..', '..');

/** Parsed options of `npm run bench`. */
export interface BenchCli {
  readonly profile: Profile;
  readonly suites?: SuiteName[];
  readonly out: string;
  readonly writeDocs: boolean;
}

/** Usage of `npm run bench -- [options]`. */
export const BENCH_USAGE = `Usage: npm run bench -- [--profile full|tiny] [--suites record,scrape,memory,host,service,cluster] [--out FILE] [--docs]
    [--service-blocks N]
  --docs   also regenerate docs/benchmarks.md and its charts from the results (with --suites: only those suites'
           sections and charts; the rest of the page stays)
  --service-blocks N  blocks of the service suite's overhead figures (1-60; the profile's ${PROFILES.full.serviceOverheadBlocks} by
           default): each block is a fresh perfkit, without and control process, about 40 s; more blocks, a tighter median`;

/** Parses the bench command line; throws with the usage text on a bad argument. */
export function parseBenchCli(argv: readonly string[]): BenchCli {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      profile: { type: 'string', default: 'full' },
      suites: { type: 'string' },
      out: { type: 'string', default: path.join(ROOT, 'bench', 'results', 'latest.json') },
      docs: { type: 'boolean', default: false },
      'service-blocks': { type: 'string' },
    },
    strict: true,
  });
  let profile: Profile | undefined = PROFILES[values.profile as Profile['name']];
  if (!profile) throw new Error(`unknown profile "${values.profile}"\n${BENCH_USAGE}`);
  const blocks = values['service-blocks'];
  if (blocks !== undefined) {
    if (!/^[1-9]\d*$/.test(blocks) || Number(blocks) > 60) {
      throw new Error(`--service-blocks: ${JSON.stringify(blocks)} is not a whole number from 1 to 60\n${BENCH_USAGE}`);
    }
    profile = { ...profile, serviceOverheadBlocks: Number(blocks) };
  }
  let suites: SuiteName[] | undefined;
  if (values.suites) {
    suites = values.suites.split(',').map((s) => s.trim()) as SuiteName[];
    const bad = suites.find((s) => !SUITE_NAMES.includes(s));
    if (bad) throw new Error(`unknown suite "${bad}" (expected ${SUITE_NAMES.join(', ')})\n${BENCH_USAGE}`);
  }
  return { profile, suites, out: path.resolve(values.out!), writeDocs: values.docs! };
}
