import { describe, expect, it } from 'vitest';

import type { AcceptedDomainType } from '../bindings/AcceptedDomainType';
import { federationEligibility } from './eligibility';

const domain = (DomainName: string, DomainType: AcceptedDomainType) => ({ DomainName, DomainType });

describe('federationEligibility', () => {
  it.each<AcceptedDomainType>(['Authoritative', 'InternalRelay'])('accepts an exact %s domain', (type) => {
    const verdict = federationEligibility(domain('contoso.com', type));
    expect(verdict).toEqual({ eligible: true, refusals: [], cautions: [] });
  });

  it('refuses ExternalRelay with the exception Exchange throws', () => {
    const verdict = federationEligibility(domain('fabrikam.com', 'ExternalRelay'));
    expect(verdict.eligible).toBe(false);
    expect(verdict.refusals.map((r) => r.exception)).toEqual(['AcceptedDomainsInvalidTypeException']);
    expect(verdict.refusals[0]?.reason).toContain('ExternalRelay');
  });

  it('refuses wildcard entries even when Authoritative', () => {
    const verdict = federationEligibility(domain('*.contoso.com', 'Authoritative'));
    expect(verdict.eligible).toBe(false);
    expect(verdict.refusals.map((r) => r.exception)).toEqual(['AcceptedDomainsWithSubdomainsException']);
  });

  it('refuses the bare * entry', () => {
    expect(federationEligibility(domain('*', 'InternalRelay')).eligible).toBe(false);
  });

  it('reports every reason when several apply', () => {
    const verdict = federationEligibility(domain('*.relay.example', 'ExternalRelay'));
    expect(verdict.refusals.map((r) => r.exception).sort()).toEqual([
      'AcceptedDomainsInvalidTypeException',
      'AcceptedDomainsWithSubdomainsException',
    ]);
  });

  it('does not treat a * inside the name as a wildcard entry', () => {
    expect(federationEligibility(domain('a-b.contoso.com', 'Authoritative')).eligible).toBe(true);
  });

  it('cautions, without refusing, about names over the documented 32 characters', () => {
    const exactly32 = 'a'.repeat(28) + '.com';
    expect(exactly32).toHaveLength(32);
    expect(federationEligibility(domain(exactly32, 'Authoritative')).cautions).toEqual([]);

    const verdict = federationEligibility(domain('b' + exactly32, 'Authoritative'));
    expect(verdict.eligible).toBe(true);
    expect(verdict.cautions).toHaveLength(1);
    expect(verdict.cautions[0]).toContain('32 characters');
  });
});
