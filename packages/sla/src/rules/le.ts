/**
 * Every spelling a bucket boundary's `le` label can have in Prometheus: as perfkit (JavaScript) writes it (`1`,
 * `0.1`, `1e-7`), as Go's shortest `%g` writes it (`1e+06`, `1e-05`), and as Prometheus 3 normalises it on ingestion
 * (`1.0`, `100000.0`). Matching all of them keeps a rule working on Prometheus 2 and 3, whichever scrape protocol.
 */
export function leSpellings(boundary: number): string[] {
  const js = String(boundary);
  const go = goShortestG(boundary);
  const normalised = /[e.]/.test(go) ? go : `${go}.0`;
  return [...new Set([js, go, normalised])];
}

/** A PromQL matcher `le=~"1|1[.]0"` that selects the bucket at `boundary` however it is spelled. */
export function leMatcher(boundary: number): string {
  const alternatives = leSpellings(boundary).map((s) => s.replace(/[.+]/g, (c) => `[${c}]`));
  return alternatives.length === 1 ? `le="${leSpellings(boundary)[0]}"` : `le=~"${alternatives.join('|')}"`;
}

/** Go's `strconv.FormatFloat(v, 'g', -1, 64)` for finite positive numbers: shortest digits, `%e` from 1e6 up or below 1e-4. */
export function goShortestG(value: number): string {
  const [mantissa, expText] = value.toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '').replace('-', '');
  const exp = Number(expText);
  const sign = value < 0 ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const e = Math.abs(exp);
    return `${sign}${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}
