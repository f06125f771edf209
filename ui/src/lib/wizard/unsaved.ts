// Unsaved plan edits: the page that holds them registers here, and leaving a page asks first.

type Check = () => boolean;
const checks = new Set<Check>();

/** Registers a check for unsaved edits; the returned function removes it. */
export function trackUnsaved(check: Check): () => void {
  checks.add(check);
  return () => checks.delete(check);
}

export function hasUnsaved(): boolean {
  return [...checks].some((c) => c());
}

export const LEAVE_QUESTION = 'The plan has changes that are not saved. Leave this page and lose them?';

/** Whether navigation may go on: nothing unsaved, or the administrator agrees to lose it. */
export function mayLeave(ask: (question: string) => boolean = (q) => window.confirm(q)): boolean {
  return !hasUnsaved() || ask(LEAVE_QUESTION);
}
