// A backend that needs no Rust side: it serves the lab organization's state so the UI runs in
// a plain browser (`npm run dev`) and in component tests. It never pretends to be a real
// organization: IsLab/isLab are always true.
import { fakeMapReportBackend } from '../map/fake-backend';
import { fakeTakeDownBackend } from '../removal/fake-backend';
import { fakeVerifyBackend } from '../verify/fake-backend';
import { fakeWizardBackend } from '../wizard/fake-backend';
import type { AppInfo, Backend, ConnectionInfo, OrgState } from './types';

export const LAB_APP_INFO: AppInfo = {
  version: '0.1.0 (browser preview)',
  os: 'browser',
  dataDir: '(none: browser preview)',
  logDir: '(none: browser preview)',
};

export const LAB_CONNECTION: ConnectionInfo = {
  profile: 'Lab',
  organization: 'Contoso Lab',
  isLab: true,
  host: 'Lab shell',
  hostVersion: 'Version 15.0 (Build 1497.2)',
};

/** The lab world as Get-* cmdlets report it: a trust with one domain still pending. */
export const LAB_ORG: OrgState = {
  OrganizationName: 'Contoso Lab',
  IsLab: true,
  ExchangeVersion: '0.20 (15.0.0.0)',
  AcceptedDomains: [
    { Name: 'contoso.test', DomainName: 'contoso.test', DomainType: 'Authoritative', Default: true },
    { Name: 'sales.contoso.test', DomainName: 'sales.contoso.test', DomainType: 'Authoritative', Default: false },
    { Name: 'relay.contoso.test', DomainName: 'relay.contoso.test', DomainType: 'InternalRelay', Default: false },
    { Name: 'Legacy subdomains', DomainName: '*.legacy.contoso.test', DomainType: 'Authoritative', Default: false },
    { Name: 'Northwind relay', DomainName: 'northwindtraders.test', DomainType: 'ExternalRelay', Default: false },
  ],
  FederationTrust: {
    Name: 'Azure AD authentication',
    ApplicationIdentifier: '0000000048152A94',
    ApplicationUri: 'FYDIBOHF25SPDLT.contoso.test',
    OrgCertificate: {
      Thumbprint: '6C1D4E5B2A0F9E8D7C6B5A4F3E2D1C0B9A8F7E6D',
      NotAfter: '2030-05-14T09:12:44Z',
      Subject: 'CN=Federation',
    },
    OrgNextCertificate: null,
    OrgPrevCertificate: null,
    TokenIssuerUri: 'urn:federation:MicrosoftOnline',
    TokenIssuerEpr: 'https://login.microsoftonline.com/extSTS.srf',
    TokenIssuerMetadataEpr: 'https://nexus.microsoftonline-p.com/FederationMetadata/2006-12/FederationMetadata.xml',
    TokenIssuerType: 'LiveId',
    NamespaceProvisioner: 'LiveDomainServices2',
  },
  OrganizationIdentifier: {
    Enabled: true,
    AccountNamespace: 'FYDIBOHF25SPDLT.contoso.test',
    DelegationTrustLink: 'Azure AD authentication',
    Domains: [
      { Domain: 'contoso.test', State: 'Active' },
      { Domain: 'sales.contoso.test', State: 'PendingActivation' },
    ],
    DefaultDomain: null,
  },
  OrganizationRelationships: [
    {
      Name: 'Fabrikam',
      DomainNames: ['fabrikam.test', 'eu.fabrikam.test'],
      Enabled: true,
      FreeBusyAccessEnabled: true,
      FreeBusyAccessLevel: 'LimitedDetails',
      FreeBusyAccessScope: null,
      TargetApplicationUri: 'FYDIBOHF25SPDLT.fabrikam.test',
      TargetAutodiscoverEpr: 'https://autodiscover.fabrikam.test/autodiscover/autodiscover.svc/WSSecurity',
      TargetSharingEpr: null,
    },
  ],
  SharingPolicies: [
    {
      Name: 'Default Sharing Policy',
      Domains: ['*:CalendarSharingFreeBusySimple', 'Anonymous:CalendarSharingFreeBusyReviewer'],
      Enabled: true,
      Default: true,
    },
  ],
};

const LAB_DIAGNOSTICS = [
  'Fedshare 0.1.0 (browser preview)',
  'OS: browser',
  'Profile: Lab (lab world, no credentials)',
  'Host: Lab shell, Version 15.0 (Build 1497.2)',
  'Last log lines: none (the browser preview has no log)',
].join('\n');

/**
 * The lab fake; `overrides` replace single methods, which is how tests make one call fail
 * or stay pending while the others keep serving lab data.
 */
export function createFakeBackend(overrides: Partial<Backend> = {}): Backend {
  const base: Backend = {
    appInfo: () => Promise.resolve(structuredClone(LAB_APP_INFO)),
    windowReady: () => Promise.resolve(),
    connection: () => Promise.resolve(structuredClone(LAB_CONNECTION)),
    orgStatus: () => Promise.resolve(structuredClone(LAB_ORG)),
    diagnostics: () => Promise.resolve(LAB_DIAGNOSTICS),
    ...fakeMapReportBackend(),
    // Paced in the browser preview so the progress is visible; instant in tests.
    ...fakeWizardBackend(import.meta.env.MODE === 'test' ? 0 : 150),
    ...fakeVerifyBackend(),
    ...fakeTakeDownBackend(),
  };
  return { ...base, ...overrides };
}
