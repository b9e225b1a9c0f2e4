import { escapeHelp, escapeLabelValue, formatValue } from '../../src/export/escape';

// Expected strings are written by hand from the exposition format: in label values `\` -> `\\`, `"` -> `\"`,
// newline -> `\n`; in HELP text `\` and newline only; sample values `+Inf`, `-Inf`, `NaN`.
describe('escapeLabelValue', () => {
  it('escapes backslash, double quote and newline, in that order of precedence', () => {
    expect(escapeLabelValue('C:\\tmp')).toBe('C:\\\\tmp');
    expect(escapeLabelValue('say "hi"')).toBe('say \\"hi\\"');
    expect(escapeLabelValue('a\nb')).toBe('a\\nb');
    expect(escapeLabelValue('\\"\n')).toBe('\\\\\\"\\n');
    expect(escapeLabelValue('\\n')).toBe('\\\\n');
  });

  it('returns text without those characters unchanged (tabs, quotes of other kinds, unicode)', () => {
    const plain = "tab\there 'single' `back` é ☃ {}=,";
    expect(escapeLabelValue(plain)).toBe(plain);
    expect(escapeLabelValue('')).toBe('');
  });

  it('escapes every occurrence, not only the first', () => {
    expect(escapeLabelValue('"a"b"')).toBe('\\"a\\"b\\"');
    expect(escapeLabelValue('\n\n')).toBe('\\n\\n');
    expect(escapeLabelValue('\\\\')).toBe('\\\\\\\\');
  });
});

describe('escapeHelp', () => {
  it('escapes backslash and newline and leaves double quotes alone in the text format', () => {
    expect(escapeHelp('a\\b\nc "q"')).toBe('a\\\\b\\nc "q"');
    expect(escapeHelp('x\n\ny\\\\')).toBe('x\\n\\ny\\\\\\\\');
    expect(escapeHelp('plain')).toBe('plain');
    expect(escapeHelp('say "hi"', false)).toBe('say "hi"');
  });

  it('also escapes double quotes in OpenMetrics, where HELP is a quoted string', () => {
    expect(escapeHelp('say "hi"\\\n', true)).toBe('say \\"hi\\"\\\\\\n');
    expect(escapeHelp('a\nb', true)).toBe('a\\nb');
  });
});

describe('formatValue', () => {
  it('writes infinities and NaN the way Prometheus parses them', () => {
    expect(formatValue(Infinity)).toBe('+Inf');
    expect(formatValue(-Infinity)).toBe('-Inf');
    expect(formatValue(NaN)).toBe('NaN');
  });

  it('writes finite numbers in JavaScript notation, which Prometheus parses back to the same float', () => {
    expect(formatValue(0)).toBe('0');
    expect(formatValue(-0)).toBe('0');
    expect(formatValue(0.1)).toBe('0.1');
    expect(formatValue(-2.5)).toBe('-2.5');
    expect(formatValue(1e21)).toBe('1e+21');
    expect(formatValue(5e-324)).toBe('5e-324');
    expect(formatValue(123456789)).toBe('123456789');
  });
});
