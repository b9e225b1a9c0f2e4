/**
 * What `npm run test:mutation` mutates (the files that carry perfkit's numbers, issue 18) and which unit tests
 * StrykerJS runs against each file. Paths are relative to the repository root. Needs Node >= 22 (fs.globSync).
 */
import { existsSync, globSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** Source globs per package. */
export const MUTATED_FILES = {
  core: [
    'packages/core/src/store/*.ts',
    'packages/core/src/operations/OperationHandle.ts',
    'packages/core/src/operations/OperationTimer.ts',
    'packages/core/src/operations/errorType.ts',
    'packages/core/src/export/PrometheusSerializer.ts',
    'packages/core/src/export/escape.ts',
    'packages/core/src/guards/*.ts',
  ],
  host: ['packages/host/src/collectors/*.ts'],
  sla: [
    'packages/sla/src/rules/windows.ts',
    'packages/sla/src/rules/alertRules.ts',
    'packages/sla/src/rules/recordingRules.ts',
    'packages/sla/src/rules/generateRules.ts',
    'packages/sla/src/rules/le.ts',
    'packages/sla/src/rules/goFormat.ts',
    'packages/sla/src/rules/promtoolTests.ts',
    'packages/sla/src/thresholds.ts',
  ],
  dashboard: ['packages/dashboard/src/analysis/*.ts'],
};

/** Files holding only types: nothing to mutate. */
const TYPE_ONLY = /\/(types|internal-types)\.ts$/;

/**
 * Left out, with the reason (docs/testing.md lists them): MemorySampler's tests measure real RSS growth of a
 * memory hog against its budget, which the load of a mutation run makes flaky.
 */
const LEFT_OUT = new Set(['packages/core/src/guards/MemorySampler.ts']);

/** Test files (jest path regexes) StrykerJS never runs, for the same reason. */
export const EXCLUDED_TESTS = ['/packages/core/test/guards/MemorySampler\\.test\\.ts$'];

/**
 * Unit tests (paths or globs under the package's test/) StrykerJS runs against a file besides its same-name test:
 * the suites that exercise it through its callers, and the regression tests about it. Kept tight on purpose:
 * every test file loaded costs seconds per mutant on a loaded machine.
 */
const EXTRA_TESTS = {
  'packages/core/src/store/HistogramTable.ts': ['export/PrometheusSerializer.test.ts', 'regression/exemplar-span-throws-into-track.test.ts'],
  'packages/core/src/store/OperationStore.ts': [
    'store/OperationStore.views.test.ts',
    'store/OperationStore.drops.test.ts',
    'regression/overflow-series-written-twice.test.ts',
    'regression/views-do-nothing.test.ts',
    'regression/view-variant-row-past-limit-written-into-another-series.test.ts',
    'regression/view-variant-doubles-error-type-limit.test.ts',
  ],
  'packages/core/src/store/StoreMetricProducer.ts': ['export/OtlpExemplars.test.ts', 'regression/otlp-details.test.ts', 'regression/duplicate-label-from-copied-resource-attribute.test.ts'],
  'packages/core/src/store/snapshot.ts': ['store/OperationStore.test.ts', 'operations/OperationTimer.test.ts'],
  'packages/core/src/operations/OperationHandle.ts': [
    'operations/OperationHandle.scrape.test.ts',
    'operations/OperationHandle.async.test.ts',
    'operations/OperationTimer.test.ts',
    'regression/track-wraps-foreign-thenables.test.ts',
    'regression/shutdown-loses-running-operations.test.ts',
  ],
  'packages/core/src/operations/OperationTimer.ts': ['operations/OperationHandle.test.ts'],
  'packages/core/src/export/PrometheusSerializer.ts': [
    'export/PrometheusSerializer.rows.test.ts',
    'regression/openmetrics-details.test.ts',
    'regression/overflow-series-written-twice.test.ts',
    'regression/duplicate-label-from-copied-resource-attribute.test.ts',
  ],
  'packages/core/src/export/escape.ts': ['export/PrometheusSerializer.test.ts'],
  'packages/core/src/guards/GuardRunner.ts': ['guards/GuardRunner.memory.test.ts', 'guards/GuardTimers.exit.test.ts'],
  'packages/core/src/guards/GuardedRun.ts': ['guards/GuardRunner.test.ts', 'guards/GuardTimers.exit.test.ts'],
  'packages/core/src/guards/FifoQueue.ts': ['guards/GuardRunner.test.ts'],
  'packages/core/src/guards/QueueWaitHistogram.ts': ['guards/GuardQueueWaits.test.ts'],
  'packages/host/src/collectors/CgroupCollector.ts': ['collectors/CgroupCollector.realV2.test.ts', 'collectors/CgroupCollector.layout.test.ts'],
  'packages/host/src/collectors/CpuCollector.ts': ['regression/cpu-sample-skipped-by-timer-jitter.test.ts'],
  'packages/host/src/collectors/DiskCollector.ts': ['regression/disk-stacked-volumes-counted-twice.test.ts'],
  'packages/host/src/collectors/FilesystemCollector.ts': ['regression/filesystem-bind-mount-counted-twice.test.ts'],
  'packages/host/src/collectors/MemoryCollector.ts': ['regression/memory-states-exceed-limit.test.ts'],
  'packages/host/src/collectors/NetworkCollector.ts': ['regression/network-virtual-interfaces-counted.test.ts'],
  'packages/host/src/collectors/ProcessCollector.ts': ['regression/open-fds-counts-own-files.test.ts'],
  'packages/sla/src/rules/promtoolTests.ts': ['rules/promtoolTests.scenarios.test.ts'],
  'packages/sla/src/thresholds.ts': ['views.test.ts'],
  'packages/dashboard/src/analysis/bottlenecks.ts': ['analysis/analyze.test.ts', 'regression/analysis-sla-objective-bugs.test.ts'],
  'packages/dashboard/src/analysis/resources.ts': ['analysis/analyze.test.ts', 'regression/trend-word-disagrees-with-slope.test.ts'],
};

/** Tests for a file without a same-name test or extras: its folder's tests. */
const FOLDER_FALLBACK = '**/*.test.ts';

/** The package a source file belongs to. */
export function packageOf(file) {
  return /^packages\/([^/]+)\//.exec(file)?.[1] ?? 'core';
}

/** The files in scope, sorted; all packages unless one is named. */
export function scopeFiles(pkg) {
  const packages = pkg ? [pkg] : Object.keys(MUTATED_FILES);
  for (const p of packages) {
    if (!MUTATED_FILES[p]) throw new Error(`mutation scope: unknown package "${p}"; expected one of ${Object.keys(MUTATED_FILES).join(', ')}`);
  }
  const files = packages.flatMap((p) => MUTATED_FILES[p].flatMap((g) => globSync(g)));
  return [...new Set(files)].filter((f) => !TYPE_ONLY.test(f) && !LEFT_OUT.has(f)).sort();
}

/** Jest testMatch globs (rootDir-relative) for the unit tests StrykerJS runs against a source file. */
export function testsFor(file) {
  const pkg = packageOf(file);
  const rel = path.posix.relative(`packages/${pkg}/src`, file);
  const mirror = rel.replace(/\.ts$/, '.test.ts');
  const extra = EXTRA_TESTS[file] ?? [];
  const own = existsSync(`packages/${pkg}/test/${mirror}`) || extra.length ? [mirror] : [`${path.posix.dirname(rel)}/${FOLDER_FALLBACK}`];
  return [...new Set([...own, ...extra])].map((g) => `<rootDir>/packages/${pkg}/test/${g}`);
}

/** Where the incremental report (StrykerJS's mutation-testing-report JSON) of a source file lives. */
export function reportFileOf(file) {
  return `reports/mutation/${reportNameOf(file)}.json`;
}

/** The committed, gzipped copy of a file's report that a fresh clone's first run starts from (scripts/mutation.mjs). */
export function baselineFileOf(file) {
  return `reports/mutation-baseline/${reportNameOf(file)}.json.gz`;
}

function reportNameOf(file) {
  return file.replace(/^packages\//, '').replace(/\//g, '__').replace(/\.ts$/, '');
}

/**
 * StrykerJS 10's UpdateOperator mutator crashes the instrumenter on `x!++` (a TypeScript non-null operand:
 * "Property argument of UpdateExpression expected ... TSNonNullExpression"). For a file holding such an
 * expression the pattern becomes mutation ranges that leave out only the first character of each one, so the
 * expression (and the blocks around it) get no mutant of their own while everything inside and around still does.
 */
export function mutatePatterns(files) {
  const ts = createRequire(import.meta.url)('typescript');
  return files.flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    if (!/!(\+\+|--)/.test(text)) return [file];
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const starts = [];
    const visit = (node) => {
      if ((ts.isPostfixUnaryExpression(node) || ts.isPrefixUnaryExpression(node)) && ts.isNonNullExpression(node.operand)) {
        starts.push(source.getLineAndCharacterOfPosition(node.getStart(source)));
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    if (starts.length === 0) return [file];
    const patterns = [];
    let from = '1:0';
    for (const { line, character } of starts) {
      patterns.push(`${file}:${from}-${line + 1}:${character}`);
      from = `${line + 1}:${character + 1}`;
    }
    patterns.push(`${file}:${from}-${text.split('\n').length + 1}`);
    return patterns;
  });
}
