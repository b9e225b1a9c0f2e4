import { humanizeDuration, humanizePercentage } from './goFormat';

/** What Prometheus gives an alert's templates: the firing sample's labels (`$labels`, `.Labels`) and value. */
export interface AlertTemplateData {
  /** The labels of the sample the alert expression returned (not the rule's own labels, which Prometheus adds after). */
  readonly labels: Readonly<Record<string, string>>;
  /** The sample's value, when the scenario knows it (to four significant digits, all the humanize functions print). */
  readonly value?: number;
}

/** The template actions {@link renderAlertTemplate} predicts, for warnings and docs. */
export const PREDICTABLE_TEMPLATES = '{{ $labels.x }}, {{ .Labels.x }}, {{ $value | humanizePercentage }} and {{ $value | humanizeDuration }}';

const ACTION = /\{\{[ \t\r\n]*([\s\S]*?)[ \t\r\n]*\}\}/g;

/**
 * What Prometheus prints for an alert label or annotation, for the generated promtool tests to expect: the literal
 * `{{ "{{" }}` that spec text is escaped with, `{{ $labels.x }}` and `{{ .Labels.x }}` (empty for a label the
 * sample lacks: Prometheus runs templates with missingkey=zero), and `{{ $value | humanizePercentage }}` or
 * `| humanizeDuration` when the value is known. `undefined` for anything else (a raw `{{ $value }}` carries float
 * noise; functions and conditionals are not modelled): the caller then cannot predict the text.
 */
export function renderAlertTemplate(text: string, data: AlertTemplateData): string | undefined {
  let predictable = true;
  const out = expand(text, (body) => {
    const rendered = action(body, data);
    if (rendered === undefined) predictable = false;
    return rendered ?? '';
  });
  return predictable ? out : undefined;
}

/**
 * An alert label or annotation as a reader of the runbook index should see it, before any alert fires: spec text
 * (`{{ "{{" }}`) and `{{ $labels.x }}` / `{{ .Labels.x }}` of the labels given (those every firing sample carries)
 * rendered as Prometheus prints them; every other action (the value, other labels, functions), which only the firing
 * alert knows, kept as written in a Markdown code span so that it reads as a placeholder.
 */
export function renderTemplateForReader(text: string, labels: Readonly<Record<string, string>>): string {
  return expand(text, (body) => {
    if (body === '"{{"') return '{{';
    const label = LABEL_ACTION.exec(body);
    if (label && Object.hasOwn(labels, label[1]!)) return labels[label[1]!]!;
    return `\`{{ ${body} }}\``;
  });
}

/** Replaces each template action by what `render` makes of its body. */
function expand(text: string, render: (body: string) => string): string {
  // Go's trim markers: `{{- ` drops the white space before the action, ` -}}` the white space after it.
  const trimmed = text.replace(/[ \t\r\n]*\{\{-[ \t\r\n]/g, '{{ ').replace(/[ \t\r\n]-\}\}[ \t\r\n]*/g, ' }}');
  return trimmed.replace(ACTION, (_all, body: string) => render(body));
}

const LABEL_ACTION = /^(?:\$labels|\.Labels)\.([a-zA-Z_][a-zA-Z0-9_]*)$/;

function action(body: string, data: AlertTemplateData): string | undefined {
  if (body === '"{{"') return '{{';
  const label = LABEL_ACTION.exec(body);
  if (label) return data.labels[label[1]!] ?? '';
  const value = /^(?:\$value|\.Value)[ \t]*\|[ \t]*(humanizePercentage|humanizeDuration)$/.exec(body);
  if (value && data.value !== undefined && Number.isFinite(data.value)) {
    return value[1] === 'humanizePercentage' ? humanizePercentage(data.value) : humanizeDuration(data.value);
  }
  return undefined;
}
