/**
 * Go's `%.4g` for the values promtool tests expect in annotations (Prometheus' humanizePercentage and
 * humanizeDuration print with it). Only finite numbers; enough for the values the generated tests use.
 */
export function goG4(value: number): string {
  if (value === 0) return '0';
  value = halfEven(value);
  const exp = Math.floor(Math.log10(Math.abs(Number(value.toPrecision(4)))));
  if (exp < -4 || exp >= 4) {
    const [m, e] = value.toExponential(3).split('e') as [string, string];
    const n = Number(e);
    return `${trim(m)}e${n < 0 ? '-' : '+'}${Math.abs(n) < 10 ? '0' : ''}${Math.abs(n)}`;
  }
  return trim(value.toPrecision(4));
}

/**
 * JavaScript rounds an exact tie (12345 to 4 digits) up, Go to even; nudge exact ties down when the kept digit
 * is even so that `toPrecision(4)` lands where Go does. Doubles that are not exact ties are left alone.
 */
function halfEven(value: number): number {
  const digits = Math.abs(value).toPrecision(100).replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  const isTie = digits.length === 5 && digits[4] === '5';
  return isTie && Number(digits[3]) % 2 === 0 ? value - value * 1e-12 : value;
}

function trim(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** Prometheus' `humanizePercentage`. */
export function humanizePercentage(ratio: number): string {
  return `${goG4(ratio * 100)}%`;
}

/** Prometheus' `humanizeDuration` for values under a minute. */
export function humanizeDuration(seconds: number): string {
  if (seconds >= 1) return `${goG4(seconds)}s`;
  if (seconds >= 1e-3) return `${goG4(seconds * 1e3)}ms`;
  if (seconds >= 1e-6) return `${goG4(seconds * 1e6)}us`;
  return `${goG4(seconds * 1e9)}ns`;
}
