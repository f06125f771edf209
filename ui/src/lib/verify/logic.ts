// Pure helpers of the Verify page: grouping by wizard step, filtering, and the explainer's
// links from a cause to the checks that confirm it.
import type { CheckStatus } from '../bindings/CheckStatus';
import type { StepKind } from '../bindings/StepKind';
import type { VerifiedCheck } from '../bindings/VerifiedCheck';
import type { PageSlug } from '../nav/pages';

export interface StepGroup {
  step: StepKind;
  label: string;
  /** The wizard page that fixes findings of this step. */
  slug: PageSlug;
  /** "Fix in step N" wording; Before you begin has no number. */
  fixLabel: string;
}

/** In the documentation's order: prerequisites first, then steps 1 to 4. */
export const STEP_GROUPS: readonly StepGroup[] = [
  { step: 'prerequisites', label: 'Before you begin', slug: 'before-you-begin', fixLabel: 'Fix in Before you begin' },
  { step: 'federationTrust', label: '1 Federation trust', slug: 'federation-trust', fixLabel: 'Fix in step 1' },
  {
    step: 'organizationRelationships',
    label: '2 Organization relationships',
    slug: 'organization-relationships',
    fixLabel: 'Fix in step 2',
  },
  { step: 'sharingPolicies', label: '3 Sharing policies', slug: 'sharing-policies', fixLabel: 'Fix in step 3' },
  { step: 'autodiscoverDns', label: '4 Autodiscover DNS', slug: 'autodiscover-dns', fixLabel: 'Fix in step 4' },
];

export const STATUS_WORDS: Record<CheckStatus, string> = {
  pass: 'Passed',
  warning: 'Warning',
  failure: 'Failed',
  notChecked: 'Not checked',
};

/** Like `fedshare verify`: a passing check of severity info is a note (e.g. an Exchange Online partner). */
export function isNote(check: VerifiedCheck): boolean {
  return check.status === 'pass' && check.severity === 'info';
}

export function statusWord(check: VerifiedCheck): string {
  return isNote(check) ? 'Note' : STATUS_WORDS[check.status];
}

/** `open`: failures and warnings no acknowledgement covers. */
export type StatusFilter = 'all' | 'open' | CheckStatus;

export interface Filter {
  status: StatusFilter;
  text: string;
}

export function groupFor(step: StepKind): StepGroup {
  return STEP_GROUPS.find((g) => g.step === step) ?? (STEP_GROUPS[0] as StepGroup);
}

export function isOpen(check: VerifiedCheck): boolean {
  return (check.status === 'failure' || check.status === 'warning') && check.acknowledged === undefined;
}

/** Case-insensitive search over everything a result shows. */
function matchesText(check: VerifiedCheck, text: string): boolean {
  const needle = text.trim().toLowerCase();
  if (needle === '') return true;
  const haystack = [
    check.id,
    check.title,
    check.subject ?? '',
    check.explanation,
    ...check.evidence.flatMap((e) => [e.subject, e.actual, e.expected]),
    ...(check.fix ? [check.fix.summary, ...check.fix.commands] : []),
  ];
  return haystack.some((s) => s.toLowerCase().includes(needle));
}

export function matches(check: VerifiedCheck, filter: Filter): boolean {
  const statusOk =
    filter.status === 'all' || (filter.status === 'open' ? isOpen(check) : check.status === filter.status);
  return statusOk && matchesText(check, filter.text);
}

export interface Grouped {
  group: StepGroup;
  checks: { check: VerifiedCheck; key: string }[];
}

/** The filtered results by step, steps without a shown result left out. */
export function groupResults(results: VerifiedCheck[], filter: Filter): Grouped[] {
  return STEP_GROUPS.map((group) => ({
    group,
    checks: results
      .map((check, i) => ({ check, key: checkKey(check, i) }))
      .filter(({ check }) => check.step === group.step && matches(check, filter)),
  })).filter((g) => g.checks.length > 0);
}

/** A DOM-safe key: a check id may repeat for several subjects. */
export function checkKey(check: VerifiedCheck, index: number): string {
  return `${check.id}|${check.subject ?? ''}|${index}`;
}

export function counts(results: VerifiedCheck[]): Record<CheckStatus, number> {
  const out: Record<CheckStatus, number> = { pass: 0, warning: 0, failure: 0, notChecked: 0 };
  for (const r of results) out[r.status] += 1;
  return out;
}

/**
 * The results an explainer's `confirmWith` id points at. The explainer writes subjects as
 * placeholders (`dns.proof:<domain>`), so the part before `<` is matched as a prefix.
 */
export function confirmingChecks(confirmId: string, results: VerifiedCheck[]): number[] {
  const cut = confirmId.indexOf('<');
  const prefix = cut >= 0 ? confirmId.slice(0, cut) : confirmId;
  const exact = cut < 0;
  return results.flatMap((r, i) => ((exact ? r.id === prefix : r.id.startsWith(prefix)) ? [i] : []));
}

/** Today plus `days`, as YYYY-MM-DD (the acknowledgement form's default expiry). */
export function isoDatePlus(days: number, now: Date = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days));
  return d.toISOString().slice(0, 10);
}

/** Where a finding is fixed: the page and the exact field or part of it (a data-testid). */
export interface FixTarget {
  slug: PageSlug;
  /** The element that fixes it, focused and scrolled to after navigating. */
  focus: string;
  label: string;
}

/** Check-id prefixes (longest first wins) to the field that fixes them. */
const FIX_FIELDS: readonly [string, PageSlug, string, string][] = [
  ['plan.federation-trust', 'federation-trust', 'apply', 'Apply step 1'],
  ['plan.organization-relationships', 'organization-relationships', 'apply', 'Apply step 2'],
  ['plan.sharing-policies', 'sharing-policies', 'apply', 'Apply step 3'],
  ['plan.autodiscover-dns', 'autodiscover-dns', 'apply', 'Apply step 4'],
  ['trust.certificate', 'federation-trust', 'cert-new', 'Fix the certificate in step 1'],
  ['trust.next-certificate', 'federation-trust', 'cert-new', 'Fix the certificate in step 1'],
  ['trust.', 'federation-trust', 'trust-name', 'Fix the trust in step 1'],
  ['orgid.', 'federation-trust', 'primary-domain', 'Fix the primary domain in step 1'],
  ['domain.', 'federation-trust', 'additional-domains', 'Fix the federated domains in step 1'],
  ['domain.proof', 'federation-trust', 'live-records', 'Fix the domain proofs in step 1'],
  ['dns.txt', 'federation-trust', 'live-records', 'Fix the domain proofs in step 1'],
  ['trust.metadata', 'federation-trust', 'apply', 'Refresh the metadata: Apply step 1'],
  ['orgrel.', 'organization-relationships', 'relationship-form', 'Fix the relationship in step 2'],
  ['relationship.', 'organization-relationships', 'relationship-form', 'Fix the relationship in step 2'],
  ['partner.', 'organization-relationships', 'relationship-form', 'Fix the relationship in step 2'],
  ['policy.', 'sharing-policies', 'policy-form', 'Fix the policy in step 3'],
  ['autodiscover.', 'autodiscover-dns', 'autodiscover-form', 'Fix the Autodiscover record in step 4'],
  ['dns.autodiscover', 'autodiscover-dns', 'autodiscover-form', 'Fix the Autodiscover record in step 4'],
];

/**
 * The exact place a finding is fixed. Before you begin findings are fixed in Exchange or the
 * network (their fix lines say how); the link opens the requirement they check.
 */
export function fixTarget(check: Pick<VerifiedCheck, 'id' | 'step'>): FixTarget {
  const field = FIX_FIELDS.filter(([prefix]) => check.id.startsWith(prefix)).sort((a, b) => b[0].length - a[0].length)[0];
  if (field !== undefined) return { slug: field[1], focus: field[2], label: field[3] };
  const group = groupFor(check.step);
  if (group.step === 'prerequisites') return { slug: group.slug, focus: 'requirements', label: 'See the requirement in Before you begin' };
  return { slug: group.slug, focus: 'apply', label: group.fixLabel };
}

/** Failures first, then warnings, not checked, passes (stable within each). */
const ORDER: Record<CheckStatus, number> = { failure: 0, warning: 1, notChecked: 2, pass: 3 };

export function failuresFirst<T extends { check: VerifiedCheck }>(items: T[]): T[] {
  return [...items].sort((a, b) => ORDER[a.check.status] - ORDER[b.check.status]);
}
