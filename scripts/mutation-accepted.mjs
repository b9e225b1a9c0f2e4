/**
 * Surviving mutants accepted after analysis (issue 18): equivalent mutants (no input tells them from the original)
 * and the few accepted for a stated reason. `node scripts/mutation.mjs --write-docs` lists every survivor of the
 * stored reports in docs/testing.md with the reason found here; a survivor without an entry is listed as a missing
 * assertion. An entry matches a survivor by file (under packages/), mutator, the start of the mutated line's text
 * (so it survives line shifts) and the replacement.
 */

/** A reason shared by the six per-check messages of core/src/guards/GuardOptions.ts. */
const ZOD_CHECK_ERROR = 'Equivalent: zod 4 reports a failed check with its schema\'s `error` when the check has none of its own, and every check here repeats its schema\'s message word for word (`z.number({ error: "S" }).int().safeParse(1.5)` fails with "S").';
/** A reason shared by two mutants of the bucket search in core/src/guards/QueueWaitHistogram.ts. */
const QUEUE_WAIT_LAST_BOUND = 'Equivalent: past the last bound `BOUNDS[14]` is `undefined` (typed-array read out of range) and `seconds > undefined` is false, so the loop stops at the +Inf bucket either way.';

/** A reason shared by three mutants of the deadline clearing in core/src/guards/GuardedRun.ts. */
const DEADLINE_LEFT_PENDING = 'Equivalent: a deadline left pending after the work ended fires `abort()`, which returns at once because the caller is settled (no count, no signal); the timer is unref()\'d, so it holds nothing up.';

/** [file, mutator, start of the original line, replacement, reason] */
export const ACCEPTED = [
  // core/src/export/escape.ts
  ['core/src/export/escape.ts', 'ConditionalExpression', 'if (value !== value) return \'NaN\';', 'false',
    'Equivalent: `"" + NaN` is `"NaN"` anyway.'],
  // core/src/operations/errorType.ts
  ['core/src/operations/errorType.ts', 'ConditionalExpression', 'if (err === null || (typeof err !== \'object\' && typeof err !== \'function\')) return OTHER_ERROR_TYPE;', 'false',
    'Equivalent: for `null` the next line reads `null.code`, which throws; the catch answers `_OTHER` just the same.'],
  // core/src/store/HistogramTable.ts
  ['core/src/store/HistogramTable.ts', 'StringLiteral', 'export const PLAIN_ROW: RowKind = { outcome: \'\', errorType: \'\', suffix: \'\' };', '"Stryker was here!"',
    'Accepted: a score row\'s empty outcome shows only as a missing attribute on OTLP score points, asserted in `StoreMetricProducer.test.ts`, which this file\'s run does not load.'],
  ['core/src/store/HistogramTable.ts', 'ConditionalExpression', 'if ((row & CHUNK_MASK) === 0) this.extremes.push(new Float64Array(CHUNK_ROWS * 2));', 'true',
    'Equivalent in behaviour: a min/max chunk for every row instead of every 128th; rows still find their own chunk (`row >>> 7`), only memory is wasted.'],
  ['core/src/store/HistogramTable.ts', 'ConditionalExpression', 'while (i < n && value > b[i]!) i++;', 'true',
    'Equivalent: past the last bound `b[n]` is `undefined` (typed-array read out of range) and `value > undefined` is false, so the loop stops at the +Inf bucket either way.'],
  ['core/src/store/HistogramTable.ts', 'EqualityOperator', 'while (i < n && value > b[i]!) i++;', 'i <= n',
    'Equivalent: past the last bound `b[n]` is `undefined` and `value > undefined` is false, so the loop stops at the +Inf bucket either way.'],
  ['core/src/store/HistogramTable.ts', 'ArithmeticOperator', 'd[t + SUM]! += value;', 't - SUM',
    'Equivalent: `SUM` is 0.'],
  ['core/src/store/HistogramTable.ts', 'EqualityOperator', 'if (value < e[m]!) e[m] = value;', 'value <= e[m]!',
    'Equivalent: replacing the minimum by an equal value changes nothing.'],
  ['core/src/store/HistogramTable.ts', 'EqualityOperator', 'if (value > e[m + 1]!) e[m + 1] = value;', 'value >= e[m + 1]!',
    'Equivalent: replacing the maximum by an equal value changes nothing.'],
  ['core/src/store/HistogramTable.ts', 'ArithmeticOperator', 'return { counts: Array.from(d.subarray(off, off + this.tail)), sum: d[t + SUM]!, count: d[t + COUNT]!, min: e[', 't - SUM',
    'Equivalent: `SUM` is 0.'],
  ['core/src/store/HistogramTable.ts', 'BooleanLiteral', 'if (apiGlobals === undefined) return false;', 'true',
    'Equivalent: without a registered context manager `context.active()` is the root context, which holds no span, so the record goes on to find no span and keeps no exemplar; the check only saves that lookup.'],
  ['core/src/store/HistogramTable.ts', 'ConditionalExpression', 'return apiGlobals.context !== undefined;', 'true',
    'Equivalent: without a registered context manager `context.active()` is the root context, which holds no span, so the record goes on to find no span and keeps no exemplar; the check only saves that lookup.'],
  ['core/src/store/HistogramTable.ts', 'ConditionalExpression', 'if (!hasContextManager()) return;', 'false',
    'Equivalent: without a registered context manager `context.active()` is the root context, which holds no span, so the record goes on to find no span and keeps no exemplar; the check only saves that lookup.'],
  ['core/src/store/HistogramTable.ts', 'ArrayDeclaration', 'private readonly prefixes: string[] = [];', '["Stryker was here"]',
    'Equivalent: the first `rowPrefix` call comes with an `open` text other than the initial empty one, which empties the cache before it is read.'],
  ['core/src/store/HistogramTable.ts', 'StringLiteral', 'private prefixOpen = \'\';', '"Stryker was here!"',
    'Equivalent: the first `rowPrefix` call comes with another `open` text (a metric name and a brace), which empties the cache before it is read.'],
  ['core/src/store/HistogramTable.ts', 'ConditionalExpression', 'if (open !== this.prefixOpen) {', 'true',
    'Equivalent in output: the prefix cache is rebuilt or reset more often (a scrape builds the same text again); only the strings made per scrape grow.'],
  ['core/src/store/HistogramTable.ts', 'ConditionalExpression', 'if (!prefix) {', 'true',
    'Equivalent in output: the prefix cache is rebuilt or reset more often (a scrape builds the same text again); only the strings made per scrape grow.'],
  ['core/src/store/HistogramTable.ts', 'ConditionalExpression', 'while (this.prefixes.length < row) this.prefixes.push(\'\');', 'false',
    'Equivalent: without the filler the cache array is sparse; a missing entry reads as undefined and is built like an empty one.'],
  ['core/src/store/HistogramTable.ts', 'EqualityOperator', 'while (this.prefixes.length < row) this.prefixes.push(\'\');', 'this.prefixes.length <= row',
    'Equivalent: one more empty filler entry, overwritten by the row\'s own text on the next line.'],
  ['core/src/store/HistogramTable.ts', 'EqualityOperator', 'for (let i = 0; i < this.stride; i++) into[i] = d[off + i]!;', 'i <= this.stride',
    'Equivalent: the copy buffers hold exactly `stride` numbers (buckets, sum, count); a Float64Array ignores the write one past its end.'],
  // host/src/collectors/CpuCollector.ts
  ['host/src/collectors/CpuCollector.ts', 'StringLiteral', "const loadText = this.files.readOptional(this.loadavgPath) ?? '';", '"Stryker was here!"',
    'Equivalent: the fallback text only matters when /proc/loadavg cannot be read, and any text without three averages parses to "no load" just as the empty string does.'],
  // dashboard/src/analysis/bottlenecks.ts
  ['dashboard/src/analysis/bottlenecks.ts', 'ConditionalExpression', 'const rate = s.total > 0 ? bad / s.total : 0;', 'true',
    'Equivalent: `judge` returns before this line unless total >= minOperations >= 1.'],
  ['dashboard/src/analysis/bottlenecks.ts', 'EqualityOperator', 'const rate = s.total > 0 ? bad / s.total : 0;', 's.total >= 0',
    'Equivalent: `judge` returns before this line unless total >= minOperations >= 1.'],
  ['dashboard/src/analysis/bottlenecks.ts', 'EqualityOperator', 'for (let i = 0; i < d.counts.length; i++) {', 'i <= d.counts.length',
    'Equivalent: the extra step reads an undefined count, which adds 0.'],
  ['dashboard/src/analysis/bottlenecks.ts', 'EqualityOperator', 'const c = d.counts[i]! > 0 ? d.counts[i]! : 0;', 'd.counts[i]! >= 0',
    'Equivalent: a zero count adds zero either way.'],
  ['dashboard/src/analysis/bottlenecks.ts', 'EqualityOperator', 'if (upper <= threshold) continue;', 'upper < threshold',
    'Equivalent: a bucket whose upper bound equals the threshold then adds c x 0 / width = 0.'],
  ['dashboard/src/analysis/bottlenecks.ts', 'EqualityOperator', 'if (lower >= threshold || upper === Infinity) above += c;', 'lower > threshold',
    'Equivalent: a bucket whose lower bound equals the threshold then adds c x width / width = c, the same.'],
  // dashboard/src/analysis/score.ts
  ['dashboard/src/analysis/score.ts', 'ConditionalExpression', 'if (overall.total >= t.minOperations && overall.successRate !== null && overall.successRate < objective) {', 'true',
    'Equivalent: the success rate is null only with no operations, and then the first condition (at least minOperations >= 1) is already false.'],
  // dashboard/src/analysis/thresholds.ts
  ['dashboard/src/analysis/thresholds.ts', 'ConditionalExpression', 'return { ...t.defaults, ...t.operations[type], ...(name === undefined ? {} : t.operationNames[type]?.[name]) }', 'false',
    'Equivalent in practice: without a name the lookup reads `operationNames[type]["undefined"]`, absent unless an operation is literally named "undefined", and spreading undefined adds nothing.'],
  // host/src/collectors/procfs.ts
  ['host/src/collectors/procfs.ts', 'ConditionalExpression', 'if (text === undefined || !/^\\d+$/.test(text)) return undefined;', 'false',
    'Equivalent: `/^\\d+$/.test(undefined)` tests the text "undefined", which fails, so a missing column is still refused.'],
  ['host/src/collectors/procfs.ts', 'StringLiteral', "if (!line.startsWith('cpu') || line.length > MAX_LINE) continue;", '""',
    'Equivalent on kernel text: every line is then split, but only a first field `cpu` or `cpuN` is read; it differs only for a cpu line indented by whitespace, which the kernel never writes.'],
  ['host/src/collectors/procfs.ts', 'MethodExpression', 'const fields = line.trim().split(/\\s+/);', 'line',
    'Equivalent: the line starts with `cpu` (no leading space), and a trailing empty field lies past the columns read (a missing column reads as undefined either way).'],
  ['host/src/collectors/procfs.ts', 'Regex', '} else if (/^cpu\\d+$/.test(fields[0]!)) {', '/cpu\\d+$/',
    'Equivalent: the first field of a line that starts with `cpu` always starts with `cpu`.'],
  ['host/src/collectors/procfs.ts', 'MethodExpression', 'const m = /^\\s*(\\d+(?:\\.\\d+)?)\\s+(\\d+(?:\\.\\d+)?)\\s+(\\d+(?:\\.\\d+)?)\\s/.exec(text.slice(0, MAX_LINE));', 'text',
    'Equivalent: the pattern is anchored at the start and matches within the first 4,096 characters or not at all; the slice only bounds the work.'],
  ['host/src/collectors/procfs.ts', 'ConditionalExpression', "if (fields.length < 3 || !fields[0] || !fields[1]?.startsWith('/') || !fields[2]) continue;", 'false',
    'Equivalent: a line of fewer than three fields has no third field, which `!fields[2]` refuses.'],
  ['host/src/collectors/procfs.ts', 'OptionalChaining', "if (fields.length < 3 || !fields[0] || !fields[1]?.startsWith('/') || !fields[2]) continue;", 'fields[1].startsWith',
    'Equivalent: the length check before it guarantees a second field.'],
  ['host/src/collectors/procfs.ts', 'EqualityOperator', 'if (dash < 0 || fields.length < dash + 3) continue;', 'dash <= 0',
    'Equivalent: the separator is searched from field 6 on, so its index is -1 or at least 6, never 0.'],
  ['host/src/collectors/procfs.ts', 'OptionalChaining', "if (!/^\\d+:\\d+$/.test(deviceNumber) || !fields[3]?.startsWith('/') || !fields[4]?.startsWith('/')) continue;", 'fields[3].startsWith',
    'Equivalent: a separator found at field 6 or later guarantees fields 3 and 4.'],
  ['host/src/collectors/procfs.ts', 'OptionalChaining', "if (!/^\\d+:\\d+$/.test(deviceNumber) || !fields[3]?.startsWith('/') || !fields[4]?.startsWith('/')) continue;", 'fields[4].startsWith',
    'Equivalent: a separator found at field 6 or later guarantees fields 3 and 4.'],
  ['host/src/collectors/procfs.ts', 'EqualityOperator', 'if (colon < 0) continue;', 'colon <= 0',
    'Equivalent: a colon at position 0 leaves an empty interface name, which the next check refuses.'],
  // sla/src/rules/le.ts
  ['sla/src/rules/le.ts', 'EqualityOperator', "return `${sign}${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;", 'exp <= 0',
    'Equivalent: this branch runs only for exponents below -4 or from 6 up, never 0.'],
  // sla/src/rules/goFormat.ts
  ['sla/src/rules/goFormat.ts', 'EqualityOperator', "return `${trim(m)}e${n < 0 ? '-' : '+'}${Math.abs(n) < 10 ? '0' : ''}${Math.abs(n)}`;", 'n <= 0',
    'Equivalent: this branch runs only for exponents below -4 or from 4 up, never 0.'],
  ['sla/src/rules/goFormat.ts', 'ConditionalExpression', "const isTie = digits.length === 5 && digits[4] === '5';", 'true',
    'Equivalent: the nudge (one part in 10^12) changes the rounding to 4 digits only of an exact tie; a 5-digit value whose last digit is not 5 is no tie and rounds the same either way.'],
  ['dashboard/src/analysis/bottlenecks.ts', 'ConditionalExpression', 'if (q !== null && slow > allowed + 1e-12) {', 'true',
    'Equivalent: the quantile is null only for an empty distribution, whose share above any threshold is 0, never above the allowance.'],
  ['dashboard/src/analysis/bottlenecks.ts', 'EqualityOperator', 'if (q !== null && slow > allowed + 1e-12) {', 'slow >= allowed + 1e-12',
    'Equivalent in practice: it differs only for a share exactly 1e-12 above the allowance, the tolerance that absorbs floating-point error.'],
  ['dashboard/src/analysis/bottlenecks.ts', 'ConditionalExpression', 'const capped = top !== undefined && q >= top;', 'true',
    'Equivalent: without finite bounds `q >= undefined` is false, as the guard makes it.'],
  ['dashboard/src/analysis/bottlenecks.ts', 'ArrayDeclaration', 'const recent = last ? samples.filter((s) => s.at >= last.at - recentMs) : [];', '["Stryker was here"]',
    'Equivalent: this branch is taken only with no samples; the mean of one non-number is NaN, which never exceeds a limit, and one sample is below the 3 needed.'],
  // dashboard/src/analysis/trend.ts
  ['dashboard/src/analysis/trend.ts', 'EqualityOperator', 'for (let i = 0; i < times.length; i++) {', 'i <= times.length',
    'Equivalent: the extra step reads an undefined time, which the finiteness check skips.'],
  ['dashboard/src/analysis/trend.ts', 'EqualityOperator', "return change > 0 ? 'increasing' : 'decreasing';", 'change >= 0',
    'Equivalent: a change of 0 is within any non-negative tolerance and returned as stable the line before.'],
  // dashboard/src/analysis/resources.ts
  ['dashboard/src/analysis/resources.ts', 'ConditionalExpression', "slopePerHour === null || thresholdPerHour === null ? 'unknown'", 'false',
    'Equivalent: the slope is null only without a fit, and then the threshold is null too.'],
  ['dashboard/src/analysis/resources.ts', 'EqualityOperator', "slopePerHour === null || thresholdPerHour === null ? 'unknown'", 'slopePerHour >= 0',
    'Equivalent: a slope of 0 is within the (non-negative) threshold and called stable before this test.'],
  ['dashboard/src/analysis/resources.ts', 'ArithmeticOperator', 'for (let i = values.length - 1; i >= 0; i--) if (Number.isFinite(values[i]!)) return values[i]!;', 'values.length + 1',
    'Equivalent: the two extra steps read undefined, which is not finite, and the walk goes on from the last value.'],
  // host/src/collectors/nameFilter.ts
  ['host/src/collectors/nameFilter.ts', 'ConditionalExpression', 'if (g < glob.length && glob[g] !== \'*\' && glob[g] === name[n]) {', 'true',
    'Equivalent: at the end of the pattern `glob[g]` is undefined, which is neither "*" nor a character of the name, so the bounds check decides nothing the comparisons after it do not.'],
  ['host/src/collectors/nameFilter.ts', 'EqualityOperator', 'if (g < glob.length && glob[g] !== \'*\' && glob[g] === name[n]) {', 'g <= glob.length',
    'Equivalent: at the end of the pattern `glob[g]` is undefined, which is neither "*" nor a character of the name, so the bounds check decides nothing the comparisons after it do not.'],
  ['host/src/collectors/nameFilter.ts', 'ConditionalExpression', '} else if (g < glob.length && glob[g] === \'*\') {', 'true',
    'Equivalent: at the end of the pattern `glob[g]` is undefined, which is neither "*" nor a character of the name, so the bounds check decides nothing the comparisons after it do not.'],
  ['host/src/collectors/nameFilter.ts', 'EqualityOperator', '} else if (g < glob.length && glob[g] === \'*\') {', 'g <= glob.length',
    'Equivalent: at the end of the pattern `glob[g]` is undefined, which is neither "*" nor a character of the name, so the bounds check decides nothing the comparisons after it do not.'],
  ['host/src/collectors/nameFilter.ts', 'ConditionalExpression', 'while (g < glob.length && glob[g] === \'*\') g++;', 'true',
    'Equivalent: at the end of the pattern `glob[g]` is undefined, which is neither "*" nor a character of the name, so the bounds check decides nothing the comparisons after it do not.'],
  ['host/src/collectors/nameFilter.ts', 'EqualityOperator', 'while (g < glob.length && glob[g] === \'*\') g++;', 'g <= glob.length',
    'Equivalent: at the end of the pattern `glob[g]` is undefined, which is neither "*" nor a character of the name, so the bounds check decides nothing the comparisons after it do not.'],
  // core/src/guards/GuardOptions.ts
  ['core/src/guards/GuardOptions.ts', 'BlockStatement', '} catch {', '{}',
    'Equivalent: options whose keys cannot be listed (a proxy whose ownKeys trap throws) then reach `resolveConfig`, whose copy of the input throws on the same trap and is refused with the same key, value and message (`guard = <unreadable>: could not be read ...`).'],
  ['core/src/guards/GuardOptions.ts', 'ObjectLiteral', '.int({ error: `expected ${what}: an integer from ${min} to ${max}` })', '{}',
    ZOD_CHECK_ERROR],
  ['core/src/guards/GuardOptions.ts', 'ObjectLiteral', '.min(min, { error: `expected ${what}: an integer from ${min} to ${max}` })', '{}',
    ZOD_CHECK_ERROR],
  ['core/src/guards/GuardOptions.ts', 'ObjectLiteral', '.max(max, { error: `expected ${what}: an integer from ${min} to ${max}` });', '{}',
    ZOD_CHECK_ERROR],
  ['core/src/guards/GuardOptions.ts', 'ObjectLiteral', '.regex(/^[A-Za-z][A-Za-z0-9_.-]{0,62}$/, {', '{}',
    ZOD_CHECK_ERROR],
  ['core/src/guards/GuardOptions.ts', 'ObjectLiteral', '.positive({ error: \'expected the memory growth budget in MB', '{}',
    ZOD_CHECK_ERROR],
  ['core/src/guards/GuardOptions.ts', 'ObjectLiteral', '.max(1_048_576, { error: \'expected the memory growth budget in MB', '{}',
    ZOD_CHECK_ERROR],
  ['core/src/guards/GuardOptions.ts', 'ArrayDeclaration', "return resolveConfig(guardOptionsSchema, input, [], {}, 'guard');", '["Stryker was here"]',
    'Equivalent: `resolveConfig` reads each override\'s variable from the environment passed (`{}` here), and a string\'s `.env` is undefined, so the extra entry is skipped as an unset variable.'],
  // core/src/guards/GuardedRun.ts
  ['core/src/guards/GuardedRun.ts', 'CallExpression', 'this.deadline.unref();', ';',
    'Accepted: unref() only lets the process exit while a run\'s deadline is pending, which a test inside a jest worker (kept alive by jest) cannot observe.'],
  ['core/src/guards/GuardedRun.ts', 'ConditionalExpression', 'if (this.deadline) clearTimeout(this.deadline);', 'true', DEADLINE_LEFT_PENDING],
  ['core/src/guards/GuardedRun.ts', 'ConditionalExpression', 'if (this.deadline) clearTimeout(this.deadline);', 'false', DEADLINE_LEFT_PENDING],
  ['core/src/guards/GuardedRun.ts', 'CallExpression', 'if (this.deadline) clearTimeout(this.deadline);', ';', DEADLINE_LEFT_PENDING],
  // core/src/guards/QueueWaitHistogram.ts
  ['core/src/guards/QueueWaitHistogram.ts', 'ConditionalExpression', 'while (i < BOUNDS.length && seconds > BOUNDS[i]!) i++;', 'true',
    QUEUE_WAIT_LAST_BOUND],
  ['core/src/guards/QueueWaitHistogram.ts', 'EqualityOperator', 'while (i < BOUNDS.length && seconds > BOUNDS[i]!) i++;', 'i <= BOUNDS.length',
    QUEUE_WAIT_LAST_BOUND],
  ['core/src/guards/QueueWaitHistogram.ts', 'EqualityOperator', 'if (seconds < d[MIN]!) d[MIN] = seconds;', 'seconds <= d[MIN]!',
    'Equivalent: replacing the minimum by an equal value changes nothing.'],
  ['core/src/guards/QueueWaitHistogram.ts', 'EqualityOperator', 'if (seconds > d[MAX]!) d[MAX] = seconds;', 'seconds >= d[MAX]!',
    'Equivalent: replacing the maximum by an equal value changes nothing.'],
  ['core/src/guards/QueueWaitHistogram.ts', 'EqualityOperator', 'if (seconds < d[INTERVAL_MIN]!) d[INTERVAL_MIN] = seconds;', 'seconds <= d[INTERVAL_MIN]!',
    'Equivalent: replacing the minimum by an equal value changes nothing.'],
  ['core/src/guards/QueueWaitHistogram.ts', 'EqualityOperator', 'if (seconds > d[INTERVAL_MAX]!) d[INTERVAL_MAX] = seconds;', 'seconds >= d[INTERVAL_MAX]!',
    'Equivalent: replacing the maximum by an equal value changes nothing.'],
  // core/src/guards/GuardQueueWaits.ts
  ['core/src/guards/GuardQueueWaits.ts', 'StringLiteral', "producer(preference: TemporalityPreference = 'cumulative'): MetricProducer {", '""',
    'Equivalent: `temporalityFor` answers cumulative for any preference but delta and lowmemory, the empty string included.'],
  // core/src/guards/GuardErrors.ts
  ['core/src/guards/GuardErrors.ts', 'StringLiteral', 'return GUARD_ERRORS[code].replace(/\\{(\\w+)\\}/g, (_, key: string) => String(params[key] ?? `{${key}}`));', '``',
    'Equivalent: the fallback for a placeholder without a value never runs; each error class passes every placeholder of its own template.'],
  // host/src/collectors/DiskCollector.ts
  ['host/src/collectors/DiskCollector.ts', 'BlockStatement', '} catch {', '{}',
    'Equivalent: `wholeDisks` is declared without a value, so it is already undefined when the catch would set it so.'],
  // host/src/collectors/ProcessCollector.ts
  ['host/src/collectors/ProcessCollector.ts', 'BlockStatement', '} catch {', '{}',
    'Equivalent: `openFds` is declared without a value, so it is already undefined when the catch would set it so.'],
  ['host/src/collectors/ProcessCollector.ts', 'EqualityOperator', 'else if (now - base.at >= this.intervalMs * MIN_INTERVAL_SHARE) {', 'now - base.at > this.intervalMs * MIN_INTERVAL_SHARE',
    'Equivalent in practice: it differs only when two readings of performance.now() lie exactly half an interval apart, to the fraction of a microsecond.'],
  // core/src/store/snapshot.ts
  ['core/src/store/snapshot.ts', 'ArithmeticOperator', 'const sum = d[off + buckets + SUM]!;', 'off + buckets - SUM',
    'Equivalent: `SUM` is 0.'],
  ['core/src/store/snapshot.ts', 'EqualityOperator', 'for (let i = 0; i < counts.length; i++) {', 'i <= counts.length',
    'Equivalent: the loop returns at the bucket holding the rank, at the latest at the last non-empty one, before the extra step.'],
  ['core/src/store/snapshot.ts', 'LogicalOperator', 'return bounds[bounds.length - 1] ?? NaN;', 'bounds[bounds.length - 1] && NaN',
    'Equivalent: unreachable; with a positive total and q <= 1 the loop returns at a non-empty bucket whose cumulative count reaches the rank.'],
  ['core/src/store/snapshot.ts', 'ArithmeticOperator', 'return bounds[bounds.length - 1] ?? NaN;', 'bounds.length + 1',
    'Equivalent: unreachable; with a positive total and q <= 1 the loop returns at a non-empty bucket whose cumulative count reaches the rank.'],
  ['host/src/collectors/ProcessCollector.ts', 'ConditionalExpression', 'return quota !== undefined && quota > 0 ? Math.min(this.cpus, quota) : this.cpus;', 'true',
    'Equivalent: `undefined > 0` is false, so an unknown quota falls to the affinity count either way.'],
  // host/src/collectors/cgroupfs.ts
  ['host/src/collectors/cgroupfs.ts', 'ConditionalExpression', "if (!quota) return bad('empty');", 'false',
    'Equivalent: an empty quota goes on to `parseCount("")`, which answers the same `empty`.'],
  ['host/src/collectors/cgroupfs.ts', 'MethodExpression', 'return quotaCores(quota, periodText?.trim());', 'periodText',
    'Equivalent: `parseCount` trims the period itself.'],
  ['host/src/collectors/cgroupfs.ts', 'ConditionalExpression', 'if (!Number.isSafeInteger(total) || !(avg10 >= 0 && avg10 <= 1)) continue;', 'true',
    'Equivalent: avg10 comes from the digits the pattern matched (`\\d+(?:\\.\\d+)?`) divided by 100, never negative.'],
  ['host/src/collectors/cgroupfs.ts', 'ConditionalExpression', 'if (first < 0 || second < 0) continue;', 'false',
    'Equivalent (the `first < 0` half): a line without a first colon has no second one either, so `second < 0` skips it just the same.'],
  ['host/src/collectors/cgroupfs.ts', 'EqualityOperator', 'if (first < 0 || second < 0) continue;', 'first <= 0',
    'Equivalent on kernel text: it differs only for a line with an empty hierarchy ID (`:cpu:/x`); the kernel writes a number there (cgroups(7)).'],
  ['host/src/collectors/cgroupfs.ts', 'EqualityOperator', 'if (first < 0 || second < 0) continue;', 'second <= 0',
    'Equivalent: the second colon is searched from after the first, so its index is -1 or at least 1, never 0.'],
  // host/src/collectors/KernelFileReader.ts
  ['host/src/collectors/KernelFileReader.ts', 'BlockStatement', '} catch {', '{}',
    'Equivalent (readOptional\'s catch; the retry\'s catch above is killed by the exited-process test): an emptied catch falls off the end of the function, which returns undefined just as `return undefined` does.'],
  // host/src/collectors/FilesystemCollector.ts
  ['host/src/collectors/FilesystemCollector.ts', 'ConditionalExpression', 'if (this.mountTable?.text !== text) {', 'true',
    'Equivalent in behaviour: the mount table is then parsed and filtered again on every collection; the same text gives the same mounts, only the work is repeated.'],
  ['host/src/collectors/FilesystemCollector.ts', 'CallExpression', 'timer.unref();', ';',
    'Equivalent in behaviour: the timer is cleared as soon as the race settles and settles it at the latest itself; unref only lets a process that is otherwise done exit during that wait of at most the timeout.'],
  ['host/src/collectors/FilesystemCollector.ts', 'ArrowFunction', 'return Promise.race([done, timeout]).finally(() => clearTimeout(timer));', '() => undefined',
    'Equivalent in behaviour: a timer left running resolves an already settled race, which changes nothing; it is unref\'d, so it holds nothing up.'],
  ['host/src/collectors/FilesystemCollector.ts', 'ConditionalExpression', "const rank = (m: T) => (m.root === undefined || m.root === '/' ? 0 : 1);", 'false',
    'Equivalent (the `m.root === undefined` half): mounts come all from mountinfo (each with a root) or all from /proc/self/mounts (none with one); without roots every mount then ranks 1 instead of 0, the same for all, so no comparison changes.'],
  // sla/src/rules/alertRules.ts
  ['sla/src/rules/alertRules.ts', 'ConditionalExpression', "if (!out.some((a) => a.source.kind === 'burn' && a.source.window.severity === 'page') && windows.some((w) => w.severity === 'page')) {", 'true',
    'Equivalent: every alert in `out` is a burn alert (the loop above pushes nothing else), so the kind test never decides.'],
  // sla/src/rules/promtoolTests.ts
  ['sla/src/rules/promtoolTests.ts', 'EqualityOperator', 'for (let d = Math.max(1, Math.floor(max)); d > 1; d--) if (of % d === 0) return d;', 'd >= 1',
    'Equivalent: the extra step at d = 1 returns 1 (every number is a multiple of 1), which the line after the loop returns anyway.'],
  ['sla/src/rules/promtoolTests.ts', 'ConditionalExpression', "if (o.sli === 'promql') throw new Error('raw-PromQL objectives get injected ratios, not counters');", 'false',
    'Equivalent: a guard against misuse that cannot fire; `group` calls scenarioInputs only for objectives that are not raw PromQL.'],
  ['sla/src/rules/promtoolTests.ts', 'StringLiteral', "if (o.sli === 'promql') throw new Error('raw-PromQL objectives get injected ratios, not counters');", '""',
    'Equivalent: a guard against misuse that cannot fire; `group` calls scenarioInputs only for objectives that are not raw PromQL.'],
  ['sla/src/rules/promtoolTests.ts', 'StringLiteral', "alert_rule_test: [{ eval_time: formatDuration(absentSteps * step), alertname: absent.alert, exp_alerts: [expected(absent, labels, '')] }],", '"Stryker was here!"',
    'Equivalent: the value replaces `{{ $value | ... }}` in the description, and an absent alert\'s description has none.'],
  ['sla/src/rules/promtoolTests.ts', 'EqualityOperator', 'const isBad = value > l.limit;', 'value >= l.limit',
    'Equivalent: the value is twice or half the limit, never the limit itself.'],
];

/** The reason for a survivor, or undefined. */
export function acceptedReason(file, mutator, originalLine, replacement) {
  const hit = ACCEPTED.find(([f, m, o, r]) => file === `packages/${f}` && m === mutator && originalLine.startsWith(o) && r === replacement);
  return hit?.[4];
}
