import type { PlanView } from '../bindings/PlanView';
import type { StepKind } from '../bindings/StepKind';
import type { StepView } from '../bindings/StepView';

/** The planned steps one page shows. */
export function stepsOf(view: PlanView, kind: StepKind): StepView[] {
  return view.steps.filter((s) => s.kind === kind);
}

/**
 * The page a step id belongs to, from the planner's stable id prefixes. Undo reports carry
 * only ids, so this is how a page tells which of its own steps were reversed.
 */
export function kindOfStepId(id: string): StepKind {
  if (id.startsWith('dns.autodiscover:')) return 'autodiscoverDns';
  if (id.startsWith('relationship:')) return 'organizationRelationships';
  if (id.startsWith('policy')) return 'sharingPolicies';
  if (/^(trust\.|dns\.proof:|orgid\.|domain\.)/.test(id)) return 'federationTrust';
  return 'prerequisites';
}

/** "1 step" / "3 steps". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
