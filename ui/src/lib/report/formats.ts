import type { ReportFormat } from '../bindings/ReportFormat';

export interface FormatChoice {
  value: ReportFormat;
  label: string;
  hint: string;
}

export const REPORT_FORMATS: readonly FormatChoice[] = [
  { value: 'html', label: 'HTML', hint: 'one self-contained file, prints well, with a table of contents' },
  { value: 'pdf', label: 'PDF', hint: 'for the change record; tables continue across pages' },
  { value: 'markdown', label: 'Markdown', hint: 'for tickets and wikis' },
  { value: 'json', label: 'JSON', hint: 'versioned schema, for tooling' },
];

/** A partner kit is mailed or pasted: HTML or Markdown only. */
export const KIT_FORMATS: readonly FormatChoice[] = REPORT_FORMATS.filter(
  (f) => f.value === 'html' || f.value === 'markdown',
);
