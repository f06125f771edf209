import type { AcceptedDomain } from '../bindings/AcceptedDomain';

/** Why Set-FederatedOrganizationIdentifier / Add-FederatedDomain would refuse a domain. */
export interface Refusal {
  /** The exception Exchange throws, so admins can match it to the shell's error. */
  exception: 'AcceptedDomainsWithSubdomainsException' | 'AcceptedDomainsInvalidTypeException';
  reason: string;
}

export interface Eligibility {
  eligible: boolean;
  refusals: Refusal[];
  /** Documented limits that Exchange does not clearly enforce; shown, never blocking. */
  cautions: string[];
}

/** The Exchange 2013 help limits federated domain names to 32 characters (ambiguous wording). */
export const DOC_MAX_FEDERATED_DOMAIN_LENGTH = 32;

/**
 * Whether an accepted domain can become the account namespace or be added with
 * Add-FederatedDomain: it must be Authoritative or InternalRelay and not a wildcard entry.
 */
export function federationEligibility(domain: Pick<AcceptedDomain, 'DomainName' | 'DomainType'>): Eligibility {
  const name = domain.DomainName.trim();
  const refusals: Refusal[] = [];
  if (name.startsWith('*')) {
    refusals.push({
      exception: 'AcceptedDomainsWithSubdomainsException',
      reason: 'Wildcard accepted domains (*.domain) cannot be federated; add the exact domain as an accepted domain.',
    });
  }
  if (domain.DomainType !== 'Authoritative' && domain.DomainType !== 'InternalRelay') {
    refusals.push({
      exception: 'AcceptedDomainsInvalidTypeException',
      reason: `DomainType ${domain.DomainType} cannot be federated; only Authoritative and InternalRelay can.`,
    });
  }
  const cautions: string[] = [];
  if (name.length > DOC_MAX_FEDERATED_DOMAIN_LENGTH) {
    cautions.push(
      `Longer than ${DOC_MAX_FEDERATED_DOMAIN_LENGTH} characters: the Exchange 2013 documentation limits federated domains to ${DOC_MAX_FEDERATED_DOMAIN_LENGTH} characters.`,
    );
  }
  return { eligible: refusals.length === 0, refusals, cautions };
}
