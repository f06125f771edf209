import type { CheckResult } from '../bindings/CheckResult';

/**
 * The Before you begin summary over the plan's prerequisite checks and the last verification's
 * Before you begin findings: it says "nothing blocks" only when neither has a failure.
 */
export function prerequisiteVerdict(checks: CheckResult[], verified: CheckResult[]): { ok: boolean; text: string } {
  const failing = checks.filter((c) => c.status === 'failure').length;
  const verifiedFailing = verified.filter((c) => c.status === 'failure').length;
  const verifiedWarning = verified.filter((c) => c.status === 'warning').length;
  if (failing > 0) {
    const more = verifiedFailing > 0 ? `, and ${verifiedFailing} more in the last verification` : '';
    return { ok: false, text: `${failing} of ${checks.length} checks fail${more}: fix them before applying the plan.` };
  }
  if (verifiedFailing > 0) {
    return {
      ok: false,
      text: `The last verification found ${verifiedFailing} failing Before you begin check${verifiedFailing === 1 ? '' : 's'} (shown below): fix ${verifiedFailing === 1 ? 'it' : 'them'} before applying the plan.`,
    };
  }
  const warned = verifiedWarning > 0 ? ` The last verification has ${verifiedWarning} warning${verifiedWarning === 1 ? '' : 's'} here (shown below).` : '';
  return {
    ok: true,
    text: `Nothing blocks the plan. Checks marked "Not checked" could not be read with this connection: confirm them by hand.${warned}`,
  };
}
