// The profile form as plain data, and the checks done before anything is sent.
import type { KeychainStatus } from '../backend/types';
import type { Authentication } from '../bindings/Authentication';
import type { Profile } from '../bindings/Profile';
import type { ReportFormat } from '../bindings/ReportFormat';

export interface ProfileForm {
  name: string;
  kind: 'lab' | 'remotePowerShell';
  connectionUri: string;
  /** false: the current Windows identity. */
  storedCredential: boolean;
  authentication: Authentication;
  /** New-PSSessionOption -SkipCACheck: only ever an explicit choice. */
  skipCaCheck: boolean;
  /** New-PSSessionOption -SkipCNCheck: only ever an explicit choice. */
  skipCnCheck: boolean;
  planFile: string;
  /** One DNS server per line. */
  dnsResolvers: string;
  reportFormat: ReportFormat;
}

export function emptyForm(): ProfileForm {
  return {
    name: '',
    kind: 'remotePowerShell',
    connectionUri: 'http://',
    storedCredential: false,
    authentication: 'Kerberos',
    skipCaCheck: false,
    skipCnCheck: false,
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
    authentication: p.backend.kind === 'remotePowerShell' ? p.backend.authentication : 'Kerberos',
    skipCaCheck: p.backend.kind === 'remotePowerShell' && p.backend.skipCaCheck,
    skipCnCheck: p.backend.kind === 'remotePowerShell' && p.backend.skipCnCheck,
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
    const url = remoteUrl(f);
    if (typeof url === 'string') return url;
    backend = {
      kind: 'remotePowerShell',
      connectionUri: url.toString(),
      storedCredential: f.storedCredential,
      authentication: f.authentication,
      skipCaCheck: f.skipCaCheck,
      skipCnCheck: f.skipCnCheck,
    };
  }
  const dnsResolvers = f.dnsResolvers
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const profile: Profile = { name, backend, dnsResolvers, reportDefaults: { format: f.reportFormat } };
  if (f.planFile.trim() !== '') profile.planFile = f.planFile.trim();
  return profile;
}

const EXAMPLE = 'http://<server FQDN>/PowerShell/ (Kerberos) or https://<name>/PowerShell/';

/** The endpoint URL, or the sentence saying what to correct (the engine checks the same). */
function remoteUrl(f: ProfileForm): URL | string {
  let url: URL;
  try {
    url = new URL(f.connectionUri.trim());
  } catch {
    return `Server URL: enter the remote PowerShell endpoint, ${EXAMPLE}.`;
  }
  const https = url.protocol === 'https:';
  if (!https && url.protocol !== 'http:') return `Server URL: use http:// or https://, e.g. ${EXAMPLE}.`;
  if (url.hostname === '') return `Server URL: name the Exchange server, e.g. ${EXAMPLE}.`;
  if (url.username !== '' || url.password !== '')
    return 'Server URL: a user name or password does not belong in the URL; store the credential instead.';
  if (f.authentication === 'Basic' && !https)
    return `Authentication: Basic over http:// would send the password readable on the network; use https://${url.host}/PowerShell/ with Basic, or Kerberos or Negotiate over http.`;
  if (f.authentication === 'Basic' && !f.storedCredential)
    return 'Authentication: Basic sends a user name and password; choose "Stored credential" and store one, or use Kerberos or Negotiate.';
  if (!https && (f.skipCaCheck || f.skipCnCheck))
    return 'Certificate checks: SkipCACheck and SkipCNCheck only apply to https://; turn them off or use https://.';
  return url;
}

/** First labels of names that usually point at a load balancer rather than one server. */
const SHARED_NAMES = ['mail', 'outlook', 'webmail', 'owa', 'autodiscover', 'exchange', 'ews', 'remote'];

/** What the administrator should know before saving: a name that is not a server FQDN, relaxed checks. */
export function connectionWarnings(f: ProfileForm): string[] {
  if (f.kind !== 'remotePowerShell') return [];
  const url = remoteUrl(f);
  if (typeof url === 'string') return [];
  const warnings: string[] = [];
  if (url.pathname.replace(/\/+$/, '').toLowerCase() !== '/powershell')
    warnings.push(`The path is ${url.pathname}; Exchange's remote PowerShell endpoint is /PowerShell/.`);
  const name = url.hostname.replace(/\.$/, '');
  if (f.authentication !== 'Basic') {
    if (/^[\d.]+$/.test(name) || name.startsWith('['))
      warnings.push(
        `${name} is an address: Kerberos needs a name. Use the server's FQDN, or Negotiate (NTLM, with the address in WinRM's TrustedHosts).`,
      );
    else if (!name.includes('.'))
      warnings.push(`'${name}' is a single-label name, not a server FQDN: Kerberos may fail. Use its full name, e.g. ${name}.contoso.com.`);
    else if (SHARED_NAMES.includes((name.split('.')[0] ?? '').toLowerCase()))
      warnings.push(
        `'${name}' looks like a load-balanced name, not a server FQDN: Kerberos to it needs an alternate service account (ASA) on the Client Access servers. Without one, use a server's FQDN (e.g. ex01.${name.slice(name.indexOf('.') + 1)}).`,
      );
  }
  if (f.skipCaCheck) warnings.push("SkipCACheck: the server's certificate authority will not be checked.");
  if (f.skipCnCheck) warnings.push('SkipCNCheck: the certificate will not have to name the server.');
  return warnings;
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
