// The profile form as plain data, and the checks done before anything is sent.
import type { KeychainStatus } from '../backend/types';
import type { Profile } from '../bindings/Profile';
import type { ReportFormat } from '../bindings/ReportFormat';

export interface ProfileForm {
  name: string;
  kind: 'lab' | 'remotePowerShell';
  connectionUri: string;
  /** false: the current Windows identity (Kerberos). */
  storedCredential: boolean;
  planFile: string;
  /** One DNS server per line. */
  dnsResolvers: string;
  reportFormat: ReportFormat;
}

export function emptyForm(): ProfileForm {
  return {
    name: '',
    kind: 'remotePowerShell',
    connectionUri: 'https://',
    storedCredential: false,
    planFile: '',
    dnsResolvers: '',
    reportFormat: 'html',
  };
}

export function toForm(p: Profile): ProfileForm {
  return {
    name: p.name,
    kind: p.backend.kind,
    connectionUri: p.backend.kind === 'remotePowerShell' ? p.backend.connectionUri : '',
    storedCredential: p.backend.kind === 'remotePowerShell' && p.backend.storedCredential,
    planFile: p.planFile ?? '',
    dnsResolvers: p.dnsResolvers.join('\n'),
    reportFormat: (p.reportDefaults.format as ReportFormat) || 'html',
  };
}

const NAME = /^[\p{L}\p{N} ._-]{1,64}$/u;

/** The profile to save, or the sentence saying what to correct. */
export function fromForm(f: ProfileForm): Profile | string {
  const name = f.name.trim();
  if (!NAME.test(name)) return 'Name: 1 to 64 letters, digits, spaces, ".", "-" or "_".';
  let backend: Profile['backend'] = { kind: 'lab' };
  if (f.kind === 'remotePowerShell') {
    let url: URL;
    try {
      url = new URL(f.connectionUri.trim());
    } catch {
      return 'Server URL: enter the remote PowerShell endpoint, e.g. https://mail.contoso.com/PowerShell/.';
    }
    if (url.protocol !== 'https:') return 'Server URL: use https:// (remote PowerShell over TLS).';
    backend = { kind: 'remotePowerShell', connectionUri: url.toString(), storedCredential: f.storedCredential };
  }
  const dnsResolvers = f.dnsResolvers
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const profile: Profile = { name, backend, dnsResolvers, reportDefaults: { format: f.reportFormat } };
  if (f.planFile.trim() !== '') profile.planFile = f.planFile.trim();
  return profile;
}

/** Whether to offer "use for this session only", and the sentence explaining why. */
export function keychainAdvice(status: KeychainStatus): { sessionOnly: boolean; message: string } {
  if (!status.available) {
    return {
      sessionOnly: true,
      message: `No keychain is available (${status.reason ?? 'none found'}). Start a Secret Service (GNOME Keyring, KWallet) or use the credential for this session only: it stays in memory until Fedshare exits.`,
    };
  }
  if (status.locked) {
    return {
      sessionOnly: true,
      message: `The keychain is locked (${status.reason ?? 'unlock it in your desktop session'}). Unlock it and retry, or use the credential for this session only.`,
    };
  }
  return { sessionOnly: false, message: '' };
}

export const BACKEND_LABEL: Record<string, string> = {
  secretService: 'Secret Service keychain',
  kernelKeyring: 'kernel keyring (kept until reboot)',
  windowsCredentialManager: 'Windows Credential Manager',
  macosKeychain: 'macOS Keychain',
};
