// The plan's DNS publication modes, in an administrator's words, and switching between them.
import type { PlanDns } from '../bindings/PlanDns';

export type DnsModeName = 'manual' | 'rfc2136' | 'windows' | 'none';

export const DNS_MODES: readonly { name: DnsModeName; label: string; help: string }[] = [
  {
    name: 'manual',
    label: 'I create them at my DNS host',
    help: 'Fedshare shows each record with copy buttons and waits, with a countdown, until it resolves.',
  },
  {
    name: 'rfc2136',
    label: 'RFC 2136 dynamic update (BIND, Knot, PowerDNS…)',
    help: 'Fedshare sends TSIG-signed updates and waits until every DNS view sees the record. Undo removes exactly what it added.',
  },
  {
    name: 'windows',
    label: 'Windows DNS Server',
    help: 'Fedshare runs Add-DnsServerResourceRecord through the same PowerShell host as the Exchange cmdlets, only in the zones listed here. This computer needs the DNS Server Tools.',
  },
  {
    name: 'none',
    label: 'Not managed here',
    help: 'No DNS steps and no waiting: someone else publishes the records.',
  },
];

/** The words for a mode named in the plan file; undefined for a name the app does not know. */
export function describeMode(name: string): (typeof DNS_MODES)[number] | undefined {
  return DNS_MODES.find((m) => m.name === name);
}

/** The [dns] section for `mode`, keeping the values that mode uses and dropping the rest. */
export function switchMode(current: PlanDns, mode: DnsModeName): PlanDns {
  switch (mode) {
    // A server means an address for updates and a computer name for Windows DNS: it is kept
    // only while the mode stays the same.
    case 'rfc2136':
      return current.mode === mode ? current : { mode };
    case 'windows':
      return current.mode === mode ? current : { mode, zones: [] };
    default:
      return { mode };
  }
}
