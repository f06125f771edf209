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

/** The broker refuses tokens from a server more than this far from real time. */
const MAX_SKEW_SECONDS = 300;

/**
 * The partner server's clock against this computer's, from its answer's HTTP Date: null when
 * the answer was not dated. Beyond 5 minutes one of the two clocks is wrong, and if it is the
 * partner's, the broker refuses its tokens and free/busy fails.
 */
export function clockWords(offsetSeconds: number | null): { text: string; off: boolean } | null {
  if (offsetSeconds === null) return null;
  const sign = offsetSeconds > 0 ? '+' : '';
  const off = Math.abs(offsetSeconds) > MAX_SKEW_SECONDS;
  const text = `${sign}${offsetSeconds} s against this computer (HTTP Date)`;
  return {
    off,
    text: off
      ? `${text}: more than 5 minutes apart. If the partner's clock is wrong, the trust broker refuses its tokens and free/busy fails; check this computer's clock first.`
      : text,
  };
}
