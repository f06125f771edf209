import type { ApplyReport } from '../bindings/ApplyReport';
import type { StepKind } from '../bindings/StepKind';
import type { UndoReport } from '../bindings/UndoReport';
import { count, kindOfStepId } from './steps';

/** Titles by step id, as the progress events named them. */
export type Titles = Record<string, string>;

function mine(ids: string[], kind: StepKind, titles: Titles): string {
  const here = ids.filter((id) => kindOfStepId(id) === kind).map((id) => titles[id] ?? id);
  return here.length === 0 ? 'none of them on this page' : `on this page: ${here.join('; ')}`;
}

/** The result of Apply in plain words, naming the steps of this page that ran. */
export function describeApply(report: ApplyReport, kind: StepKind, titles: Titles): string {
  if (report.applied.length === 0) return 'Nothing to do: the organization already matched the plan.';
  const rest = report.remaining > 0 ? ` ${count(report.remaining, 'step')} left to run.` : '';
  return `Applied ${count(report.applied.length, 'step')}, each verified by reading it back (${mine(report.applied, kind, titles)}).${rest}`;
}

export function describeUndo(report: UndoReport, kind: StepKind, titles: Titles): string {
  if (report.undone.length === 0) return 'Nothing to undo: the journal holds no applied step.';
  const kept = report.kept.length > 0 ? ` Kept: ${report.kept.join(' ')}` : '';
  return `Undid ${count(report.undone.length, 'step')}, newest first, restoring the previous values (${mine(report.undone, kind, titles)}).${kept}`;
}
