import { describe, expect, it } from 'vitest';

import { LAB_ORG } from '../backend/fake';
import type { OrgState } from '../bindings/OrgState';
import { entryDomain, hiddenIds, NO_FILTERS, partnerFacts, search, type MapElement } from './filter';

function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('missing');
  return value;
}

const ORG: OrgState = {
  ...LAB_ORG,
  OrganizationRelationships: [
    ...LAB_ORG.OrganizationRelationships,
    {
      ...must(LAB_ORG.OrganizationRelationships[0]),
      Name: 'Tailspin',
      DomainNames: ['tailspintoys.com'],
      FreeBusyAccessLevel: 'AvailabilityOnly',
    },
  ],
  SharingPolicies: [
    { Name: 'Default Sharing Policy', Domains: ['Anonymous:CalendarSharingFreeBusyReviewer'], Enabled: true, Default: true },
    { Name: 'Fabrikam partners', Domains: ['fabrikam.test:CalendarSharingFreeBusyDetail'], Enabled: true, Default: false },
  ],
};

const ELEMENTS: MapElement[] = [
  { id: 'org', kind: 'organization', status: 'failure' },
  { id: 'trust', kind: 'trust', status: 'pass' },
  { id: 'partner:fabrikam', kind: 'partner', status: 'warning' },
  { id: 'partner:tailspin', kind: 'partner', status: 'pass' },
  { id: 'policy:fabrikam partners', kind: 'policy', status: 'not-checked' },
  { id: 'policy:default sharing policy', kind: 'policy', status: 'pass' },
  { id: 'relationship:fabrikam', kind: 'relationship', status: 'warning', from: 'org', to: 'partner:fabrikam' },
  { id: 'relationship:tailspin', kind: 'relationship', status: 'pass', from: 'org', to: 'partner:tailspin' },
];

describe('map filters', () => {
  const partners = partnerFacts(ORG);

  it('knows each partner, its level and the policies that name it', () => {
    expect(partners.map((p) => [p.id, p.level, p.policies])).toEqual([
      ['partner:fabrikam', 'LimitedDetails', ['Fabrikam partners']],
      ['partner:tailspin', 'AvailabilityOnly', []],
    ]);
    expect(entryDomain('Fabrikam.test:CalendarSharingFreeBusySimple')).toBe('fabrikam.test');
    expect(entryDomain('*')).toBe('*');
  });

  it('hides nothing without filters', () => {
    expect(hiddenIds(ELEMENTS, partners, NO_FILTERS).size).toBe(0);
  });

  it('filters partners and policies by status, keeping our organization and trust', () => {
    const hidden = hiddenIds(ELEMENTS, partners, { ...NO_FILTERS, statuses: ['warning'] });
    expect([...hidden].sort()).toEqual([
      'partner:tailspin',
      'policy:default sharing policy',
      'policy:fabrikam partners',
      'relationship:tailspin',
    ]);
  });

  it('filters by access level and by policy, edges hiding with their ends', () => {
    const byLevel = hiddenIds(ELEMENTS, partners, { ...NO_FILTERS, level: 'AvailabilityOnly' });
    expect(byLevel.has('partner:fabrikam')).toBe(true);
    expect(byLevel.has('relationship:fabrikam')).toBe(true);
    expect(byLevel.has('partner:tailspin')).toBe(false);
    const byPolicy = hiddenIds(ELEMENTS, partners, { ...NO_FILTERS, policy: 'Fabrikam partners' });
    expect(byPolicy.has('partner:tailspin')).toBe(true);
    expect(byPolicy.has('policy:default sharing policy')).toBe(true);
    expect(byPolicy.has('partner:fabrikam')).toBe(false);
    expect(byPolicy.has('policy:fabrikam partners')).toBe(false);
  });

  it('searches by domain or name, exact matches first', () => {
    expect(search(partners, 'TAILSPINTOYS.COM')).toEqual(['partner:tailspin']);
    expect(search(partners, 'fabrikam')).toEqual(['partner:fabrikam']);
    expect(search(partners, '.test')).toEqual(['partner:fabrikam']);
    expect(search(partners, '  ')).toEqual([]);
    expect(search(partners, 'northwind')).toEqual([]);
  });
});
