// Which map elements the filters and the search keep. Pure: the page applies the result by
// toggling classes on the SVG groups (data-id, data-kind, data-status, data-from, data-to).
import type { FreeBusyAccessLevel } from '../bindings/FreeBusyAccessLevel';
import type { OrgState } from '../bindings/OrgState';

export type Status = 'pass' | 'warning' | 'failure' | 'not-checked';
export const STATUSES: readonly Status[] = ['pass', 'warning', 'failure', 'not-checked'];
export const STATUS_LABEL: Record<Status, string> = {
  pass: 'Pass',
  warning: 'Warning',
  failure: 'Failure',
  'not-checked': 'Not checked',
};

/** What the map knows about one partner, from Get-OrganizationRelationship and the policies. */
export interface PartnerFacts {
  id: string;
  name: string;
  domains: string[];
  level: FreeBusyAccessLevel;
  enabled: boolean;
  /** Sharing policies with an entry naming one of its domains (or `*`). */
  policies: string[];
}

export interface Filters {
  /** Empty: every status. */
  statuses: Status[];
  /** '' = any. */
  level: FreeBusyAccessLevel | '';
  /** '' = any. */
  policy: string;
}

export const NO_FILTERS: Filters = { statuses: [], level: '', policy: '' };

export interface MapElement {
  id: string;
  kind: string;
  status: string;
  from?: string;
  to?: string;
}

/** The policy entry's domain: `fabrikam.com:CalendarSharingFreeBusySimple` → `fabrikam.com`. */
export function entryDomain(entry: string): string {
  const at = entry.indexOf(':');
  return (at === -1 ? entry : entry.slice(0, at)).trim().toLowerCase();
}

export function partnerFacts(org: OrgState): PartnerFacts[] {
  return org.OrganizationRelationships.map((r) => {
    const domains = r.DomainNames.map((d) => d.toLowerCase());
    const policies = org.SharingPolicies.filter((p) =>
      p.Domains.some((e) => {
        const d = entryDomain(e);
        return d === '*' || domains.includes(d);
      }),
    ).map((p) => p.Name);
    return {
      id: `partner:${r.Name.toLowerCase()}`,
      name: r.Name,
      domains,
      level: r.FreeBusyAccessLevel,
      enabled: r.Enabled,
      policies,
    };
  });
}

export function isFiltering(f: Filters): boolean {
  return f.statuses.length > 0 || f.level !== '' || f.policy !== '';
}

/**
 * The ids to hide. Our organization, the trust and Autodiscover always stay as context;
 * partners and policies are filtered; an edge hides with either end.
 */
export function hiddenIds(elements: MapElement[], partners: PartnerFacts[], f: Filters): Set<string> {
  const hidden = new Set<string>();
  if (!isFiltering(f)) return hidden;
  const facts = new Map(partners.map((p) => [p.id, p]));
  for (const el of elements) {
    if (el.kind !== 'partner' && el.kind !== 'policy' && el.kind !== 'group') continue;
    if (f.statuses.length > 0 && !f.statuses.includes(el.status as Status)) hidden.add(el.id);
    if (el.kind === 'partner') {
      const p = facts.get(el.id);
      if (f.level !== '' && p?.level !== f.level) hidden.add(el.id);
      if (f.policy !== '' && !p?.policies.includes(f.policy)) hidden.add(el.id);
    } else if (el.kind === 'policy' && f.policy !== '' && el.id !== `policy:${f.policy.toLowerCase()}`) {
      hidden.add(el.id);
    } else if (el.kind === 'group' && (f.level !== '' || f.policy !== '')) {
      // A collapsed group cannot be said to match; hide it rather than mislead.
      hidden.add(el.id);
    }
  }
  for (const el of elements) {
    if (el.from !== undefined && el.to !== undefined && (hidden.has(el.from) || hidden.has(el.to))) {
      hidden.add(el.id);
    }
  }
  return hidden;
}

/** Partner node ids whose name or one of whose domains contains the query (case-insensitive). */
export function search(partners: PartnerFacts[], query: string): string[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [];
  const exact = partners.filter((p) => p.domains.includes(q) || p.name.toLowerCase() === q);
  const partial = partners.filter(
    (p) => !exact.includes(p) && (p.name.toLowerCase().includes(q) || p.domains.some((d) => d.includes(q))),
  );
  return [...exact, ...partial].map((p) => p.id);
}
