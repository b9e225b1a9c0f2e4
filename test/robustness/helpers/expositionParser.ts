/**
 * A strict parser for the Prometheus text format 0.0.4 and OpenMetrics 1.0, for tests: it rejects what
 * Prometheus's own parsers reject (bad names, bad escapes, bad numbers, a sample before its TYPE, duplicate
 * series, interleaved families, non-cumulative or incomplete histograms, a missing `# EOF` in OpenMetrics)
 * and returns every sample with its labels unescaped, so a test can check that values survive the round trip.
 */

/** One parsed sample. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** What {@link parseExposition} returns. */
export interface Exposition {
  readonly samples: readonly Sample[];
  /** Family name -> type (`counter`, `gauge`, `histogram`, `unknown`, ...). */
  readonly types: ReadonlyMap<string, string>;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
// name="value" followed by , or } (consumed only when it is a comma); escapes allowed: \\ \" \n.
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|\})/y;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped', 'unknown', 'info', 'stateset', 'gaugehistogram']);

/** Parses exposition text; throws an Error naming the line on the first problem. */
export function parseExposition(text: string, options: { openMetrics?: boolean } = {}): Exposition {
  const om = options.openMetrics === true;
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('exposition does not end with a newline');
  const lines = text.split('\n');
  lines.pop();
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const seenSeries = new Set<string>();
  const closedFamilies = new Set<string>();
  const familiesWithSamples = new Set<string>();
  let currentFamily: string | undefined;
  let sawEof = false;
  lines.forEach((line, i) => {
    const where = `line ${i + 1} ${JSON.stringify(line.slice(0, 200))}`;
    if (sawEof) throw new Error(`${where}: content after # EOF`);
    if (line === '') {
      if (om) throw new Error(`${where}: empty line in OpenMetrics`);
      return;
    }
    if (line.startsWith('#')) {
      if (line === '# EOF') {
        if (!om) throw new Error(`${where}: # EOF in the text format`);
        sawEof = true;
        return;
      }
      const m = /^# (HELP|TYPE|UNIT) (\S+)(?: ([^\n]*))?$/.exec(line);
      if (!m) {
        if (om) throw new Error(`${where}: unknown comment in OpenMetrics`);
        return;
      }
      const [, kind, name, rest = ''] = m;
      if (!METRIC_NAME.test(name!)) throw new Error(`${where}: bad metric name in ${kind}`);
      if (kind === 'HELP') checkHelpEscapes(rest, where);
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`${where}: unknown type ${rest}`);
        if (types.has(name!)) throw new Error(`${where}: second TYPE for ${name}`);
        if (familiesWithSamples.has(name!)) throw new Error(`${where}: TYPE after samples of ${name}`);
        types.set(name!, rest);
      }
      enterFamily(name!, where);
      return;
    }
    const sample = parseSample(line, where, om);
    const family = familyOf(sample.name, types);
    if (!types.has(family)) throw new Error(`${where}: sample without a TYPE for its family`);
    enterFamily(family, where);
    familiesWithSamples.add(family);
    const key = sample.name + '\u0000' + seriesKey(sample.labels);
    if (seenSeries.has(key)) throw new Error(`${where}: duplicate series`);
    seenSeries.add(key);
    samples.push(sample);
  });
  if (om && !sawEof) throw new Error('OpenMetrics exposition without # EOF');
  checkHistograms(samples, types);
  return { samples, types };

  function enterFamily(name: string, where: string): void {
    if (name === currentFamily) return;
    if (closedFamilies.has(name)) throw new Error(`${where}: family ${name} is interleaved with another`);
    if (currentFamily !== undefined) closedFamilies.add(currentFamily);
    currentFamily = name;
  }
}

/** A key that identifies a label set whatever the order of its labels. */
function seriesKey(labels: Readonly<Record<string, string>>, without?: string): string {
  const names = Object.keys(labels).filter((k) => k !== without);
  if (names.length > 1) names.sort();
  let key = '';
  for (const k of names) key += `${k}\u0001${labels[k]}\u0002`;
  return key;
}

function familyOf(sampleName: string, types: ReadonlyMap<string, string>): string {
  if (types.has(sampleName)) return sampleName;
  for (const suffix of ['_bucket', '_sum', '_count', '_total', '_created', '_info', '_gsum', '_gcount']) {
    if (sampleName.endsWith(suffix)) {
      const base = sampleName.slice(0, -suffix.length);
      if (types.has(base)) return base;
    }
  }
  return sampleName;
}

function checkHelpEscapes(text: string, where: string): void {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') {
      const next = text[i + 1];
      if (next !== '\\' && next !== 'n' && next !== '"') throw new Error(`${where}: bad escape in HELP`);
      i++;
    }
  }
}

function parseSample(line: string, where: string, om: boolean): Sample {
  let i = 0;
  while (i < line.length && line[i] !== '{' && line[i] !== ' ') i++;
  const name = line.slice(0, i);
  if (!METRIC_NAME.test(name)) throw new Error(`${where}: bad metric name`);
  const pairs = new Map<string, string>(); // not an object: a label may be called "valueOf" or "__proto__"
  if (line[i] === '{') {
    i++;
    while (line[i] !== '}') {
      LABEL_PAIR.lastIndex = i;
      const m = LABEL_PAIR.exec(line);
      if (!m) throw new Error(`${where}: malformed label at column ${i + 1} (bad name, unquoted value, bad escape or missing , or })`);
      const [whole, labelName, raw, sep] = m;
      if (pairs.has(labelName!)) throw new Error(`${where}: label ${labelName} twice`);
      pairs.set(labelName!, raw!.includes('\\') ? raw!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c)) : raw!);
      i += whole.length - (sep === '}' ? 1 : 0);
    }
    i++;
  }
  if (line[i] !== ' ') throw new Error(`${where}: expected one space before the value`);
  const rest = line.slice(i + 1).split(' ');
  if (rest.length > 2 || rest.some((p) => p === '')) throw new Error(`${where}: malformed value/timestamp`);
  const value = parseNumber(rest[0]!, where);
  if (rest.length === 2 && !NUMBER.test(rest[1]!)) throw new Error(`${where}: bad timestamp`);
  if (om && name.endsWith('_total') && !(value >= 0)) throw new Error(`${where}: negative or NaN counter`);
  return { name, labels: Object.fromEntries(pairs), value };
}

function parseNumber(text: string, where: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!NUMBER.test(text)) throw new Error(`${where}: bad number ${JSON.stringify(text)}`);
  return Number(text);
}

function checkHistograms(samples: readonly Sample[], types: ReadonlyMap<string, string>): void {
  const groups = new Map<string, { buckets: Array<[number, number]>; count?: number; name: string }>();
  for (const s of samples) {
    const family = familyOf(s.name, types);
    if (types.get(family) !== 'histogram') continue;
    const le = s.labels.le;
    const key = family + '\u0000' + seriesKey(s.labels, 'le');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { buckets: [], name: family }));
    if (s.name === `${family}_bucket`) {
      if (le === undefined) throw new Error(`${family}: bucket without le`);
      g.buckets.push([parseNumber(le, `${family} le`), s.value]);
    } else if (s.name === `${family}_count`) g.count = s.value;
    else if (s.name !== `${family}_sum` && s.name !== `${family}_created`) throw new Error(`${family}: unexpected sample ${s.name}`);
  }
  for (const g of groups.values()) {
    const last = g.buckets[g.buckets.length - 1];
    if (!last || last[0] !== Infinity) throw new Error(`${g.name}: histogram series without a +Inf bucket`);
    for (let k = 1; k < g.buckets.length; k++) {
      if (!(g.buckets[k]![0] > g.buckets[k - 1]![0])) throw new Error(`${g.name}: le not increasing`);
      if (!(g.buckets[k]![1] >= g.buckets[k - 1]![1])) throw new Error(`${g.name}: buckets not cumulative`);
    }
    if (g.count !== undefined && g.count !== last[1]) throw new Error(`${g.name}: _count ${g.count} != +Inf bucket ${last[1]}`);
  }
}

/** The samples of one metric whose labels include every given label. */
export function samplesOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): Sample[] {
  return exposition.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The value of the one sample that matches, or undefined. Throws when several match. */
export function valueOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samplesOf(exposition, name, labels);
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}
