// The plan's problems as the engine reports them (check_plan_document): each keyed by the
// path of its field in the plan document, shown under that field.
import type { Component } from 'svelte';

import type { Backend } from '../backend/types';
import type { FieldProblem } from '../bindings/FieldProblem';
import type { PlanDocument } from '../bindings/PlanDocument';

/** A page's part of the plan form. */
export type PlanForm = Component<{ doc: PlanDocument; backend: Backend; problems: FieldProblem[] }>;

/** The messages for exactly this field. */
export function messagesFor(problems: readonly FieldProblem[], field: string): string[] {
  return problems.filter((p) => p.field === field).map((p) => p.message);
}

/** The messages for a field and the items of its list (`domains.additional[2]`). */
export function messagesUnder(problems: readonly FieldProblem[], field: string): string[] {
  return problems.filter((p) => p.field === field || p.field.startsWith(`${field}[`)).map((p) => p.message);
}
