// Helpers the plan forms use to edit the plan document's values (strings in the file's syntax).

/** One value per line or comma, trimmed, empty ones dropped (domain lists, mailbox lists). */
export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** An optional plan key: empty input means "absent", so the key is left out of the file. */
export function optional(text: string): string | undefined {
  const t = text.trim();
  return t === '' ? undefined : t;
}

/** A sharing policy entry `domain: Action, Action` as the form edits it. */
export interface Entry {
  domain: string;
  actions: string[];
}

/** Splits at the first colon like Exchange; a text without one keeps it all as the domain. */
export function parseEntry(text: string): Entry {
  const at = text.indexOf(':');
  if (at < 0) return { domain: text.trim(), actions: [] };
  const actions = text
    .slice(at + 1)
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  return { domain: text.slice(0, at).trim(), actions };
}

/** The entry in the plan file's syntax; actions keep Exchange's enum order. */
export function renderEntry(entry: Entry, order: readonly string[]): string {
  const known = order.filter((a) => entry.actions.some((x) => x.toLowerCase() === a.toLowerCase()));
  const unknown = entry.actions.filter((x) => !order.some((a) => a.toLowerCase() === x.toLowerCase()));
  return `${entry.domain}: ${[...known, ...unknown].join(', ')}`;
}

/** Adds or removes one action of an entry text. */
export function toggleAction(text: string, action: string, on: boolean, order: readonly string[]): string {
  const entry = parseEntry(text);
  const rest = entry.actions.filter((a) => a.toLowerCase() !== action.toLowerCase());
  return renderEntry({ domain: entry.domain, actions: on ? [...rest, action] : rest }, order);
}

export function setEntryDomain(text: string, domain: string, order: readonly string[]): string {
  return renderEntry({ ...parseEntry(text), domain: domain.trim() }, order);
}
