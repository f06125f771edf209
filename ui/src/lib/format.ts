/** PowerShell prints booleans as True/False; admins read them that way. */
export function psBool(value: boolean): string {
  return value ? 'True' : 'False';
}

/** Exchange shows unset properties as blank; an em dash keeps table cells from collapsing. */
export const BLANK = '—';

export function orBlank(value: string | null | undefined): string {
  return value === null || value === undefined || value === '' ? BLANK : value;
}
