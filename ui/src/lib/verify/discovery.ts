// Words for GetFederationInformation discovery attempts, as an administrator reads them.
import type { Attempt } from '../bindings/Attempt';
import type { DiscoveryStep } from '../bindings/DiscoveryStep';
import type { ExchangeOnline } from '../bindings/ExchangeOnline';
import type { PlanDocument } from '../bindings/PlanDocument';

export const STEP_WORDS: Record<DiscoveryStep, string> = {
  autodiscoverHost: 'autodiscover.<domain> (SOAP)',
  domainHost: '<domain> (SOAP)',
  redirectProbeAutodiscover: 'HTTP redirect via autodiscover.<domain>',
  redirectProbeDomain: 'HTTP redirect via <domain>',
};

export function isGood(attempt: Attempt): boolean {
  return attempt.outcome.kind === 'success' || attempt.outcome.kind === 'redirect';
}

export const EXCHANGE_ONLINE_WORDS: Record<ExchangeOnline, string> = {
  worldwide: 'Exchange Online (worldwide)',
  gccHigh: 'Exchange Online (GCC High)',
};

/** Every partner domain the plan's relationships name, first the first relationship's. */
export function planPartnerDomains(plan: PlanDocument): string[] {
  return [...new Set(plan.relationship.flatMap((r) => r.domains))];
}
