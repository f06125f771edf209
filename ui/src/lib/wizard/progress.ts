import type { Progress } from '../bindings/Progress';

/** What the run panel shows while a plan runs, folded from the Progress events. */
export interface RunView {
  step: { index: number; total: number; id: string; title: string } | null;
  /** The cmdlet line or DNS action running now. */
  line: string | null;
  wait: { record: string; attempt: number; remainingSeconds: number } | null;
  done: string[];
  failed: { id: string; error: string } | null;
}

export const IDLE: RunView = { step: null, line: null, wait: null, done: [], failed: null };

export function reduce(view: RunView, p: Progress): RunView {
  switch (p.kind) {
    case 'step':
      return { ...view, step: { index: p.index, total: p.total, id: p.id, title: p.title }, line: null, wait: null };
    case 'invoking':
      return { ...view, line: p.line, wait: null };
    case 'publishing':
      return { ...view, line: `DNS: create ${p.record}`, wait: null };
    case 'waitingForDns':
      return { ...view, wait: { record: p.record, attempt: p.attempt, remainingSeconds: p.remaining_seconds } };
    case 'stepDone':
      return { ...view, done: [...view.done, p.id], line: null, wait: null };
    case 'stepFailed':
      return { ...view, failed: { id: p.id, error: p.error }, wait: null };
  }
}

/** "12:05" for a countdown. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** One progress event as a line of the run's log. */
export function logLine(p: Progress): string {
  switch (p.kind) {
    case 'step':
      return `Step ${p.index} of ${p.total}: ${p.title}`;
    case 'invoking':
      return `  ${p.line}`;
    case 'publishing':
      return `  DNS: create ${p.record}`;
    case 'waitingForDns':
      return `  Waiting for DNS: ${p.record} (attempt ${p.attempt}, ${clock(p.remaining_seconds)} left)`;
    case 'stepDone':
      return `  Done: ${p.id}`;
    case 'stepFailed':
      return `  FAILED ${p.id}: ${p.error}`;
  }
}
