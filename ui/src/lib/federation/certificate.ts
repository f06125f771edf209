/** How close a certificate's NotAfter is, for the trust page's expiry hint. */
export type ExpiryLevel = 'ok' | 'soon' | 'expired' | 'unknown';

export interface Expiry {
  level: ExpiryLevel;
  text: string;
}

/** Renewal takes DNS proof publication and broker replication, so warn well ahead. */
export const RENEW_WARNING_DAYS = 60;

const DAY_MS = 86_400_000;

/** `now` is a parameter so the result depends on nothing but its inputs. */
export function describeExpiry(notAfter: string, now: Date): Expiry {
  const end = Date.parse(notAfter);
  if (Number.isNaN(end)) return { level: 'unknown', text: 'expiry date not readable' };
  const days = Math.floor((end - now.getTime()) / DAY_MS);
  if (end <= now.getTime()) {
    const ago = Math.max(0, -days - 1);
    return { level: 'expired', text: ago === 0 ? 'expired today' : `expired ${ago} day${ago === 1 ? '' : 's'} ago` };
  }
  const text = days === 0 ? 'expires today' : `expires in ${days} day${days === 1 ? '' : 's'}`;
  return { level: days < RENEW_WARNING_DAYS ? 'soon' : 'ok', text };
}
