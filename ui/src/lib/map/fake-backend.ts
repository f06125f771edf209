// The Map, Report and Connection part of the browser/test fake: a small map in the engine's
// exact markup (data-id, data-kind, data-status, data-step, <title> details), in-memory
// profiles with the Lab profile fixed, and a keychain that is available.
import type { Profile } from '../bindings/Profile';
import type { ConnectionInfo, MapReportBackend } from '../backend/types';

export const FAKE_MAP_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="420" viewBox="0 0 900 420" role="img" aria-labelledby="map-title"><title id="map-title">Contoso Lab federated sharing</title><style>text{direction:ltr}</style><rect width="900" height="420" fill="#ffffff"/>
<g class="edges">
<g class="edge-group status-pass" data-id="edge:trust" data-kind="federation" data-from="org" data-to="trust" data-status="pass"><title>Federation trust\nStatus: Pass</title><path class="edge" d="M200,100L400,100" stroke="#188038" fill="none"/></g>
<g class="edge-group status-warning" data-id="relationship:fabrikam" data-kind="relationship" data-from="org" data-to="partner:fabrikam" data-status="warning"><title>LimitedDetails\nEnabled: yes\nFree/busy access: enabled</title><path class="edge" d="M200,120L600,240" stroke="#b06000" fill="none"/></g>
<g class="edge-group status-not-checked" data-id="edge:policy:default sharing policy" data-kind="policy-link" data-from="policy:default sharing policy" data-to="org" data-status="not-checked"><title>Default Sharing Policy</title><path class="edge" d="M100,300L120,140" stroke="#5f6368" fill="none"/></g>
</g><g class="nodes">
<g class="node kind-organization status-pass" data-id="org" data-kind="organization" data-status="pass" data-step="prerequisites"><title>Contoso Lab\nStatus: Pass\nAccount namespace: FYDIBOHF25SPDLT.contoso.test</title><rect x="40" y="80" width="160" height="60" rx="6" fill="#e6f4ea" stroke="#188038"/><text x="50" y="105">Contoso Lab</text></g>
<g class="node kind-trust status-pass" data-id="trust" data-kind="trust" data-status="pass" data-step="federationTrust"><title>Azure AD authentication\nStatus: Pass\nThumbprint: 6C1D4E5B2A0F9E8D7C6B5A4F3E2D1C0B9A8F7E6D</title><rect x="400" y="70" width="180" height="60" rx="6" fill="#e6f4ea" stroke="#188038"/><text x="410" y="95">Azure AD authentication</text></g>
<g class="node kind-partner status-warning" data-id="partner:fabrikam" data-kind="partner" data-status="warning" data-step="organizationRelationships"><title>Fabrikam\nStatus: Warning\nDeployment: on-premises\nDomain: fabrikam.test\nDomain: eu.fabrikam.test</title><rect x="600" y="210" width="200" height="60" rx="6" fill="#fef7e0" stroke="#b06000"/><text x="610" y="235">Fabrikam</text></g>
<g class="node kind-policy status-not-checked" data-id="policy:default sharing policy" data-kind="policy" data-status="not-checked" data-step="sharingPolicies"><title>Default Sharing Policy\nStatus: Not checked\nEntry: *:CalendarSharingFreeBusySimple</title><rect x="20" y="300" width="180" height="60" rx="6" fill="#f1f3f4" stroke="#5f6368"/><text x="30" y="325">Default Sharing Policy</text></g>
</g></svg>`;

const FAKE_CONNECTION: ConnectionInfo = {
  profile: 'Lab',
  organization: 'Contoso Lab',
  isLab: true,
  host: 'lab',
  hostVersion: 'Version 15.0 (Build 1497.2)',
};

export function labProfile(): Profile {
  return { name: 'Lab', backend: { kind: 'lab' }, dnsResolvers: [], reportDefaults: { format: 'html' } };
}

export function fakeMapReportBackend(): MapReportBackend {
  let profiles: Profile[] = [labProfile()];
  const file = (name: string) => Promise.resolve({ path: `/home/admin/Downloads/${name}`, bytes: 2048 });
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const noLab = () => Promise.reject({ code: 'engine.lab_profile', message: 'The Lab profile cannot be removed.' });
  return {
    mapSvg: () => Promise.resolve(FAKE_MAP_SVG),
    exportMap: (format) => file(`fedshare-map-Contoso-Lab.${format}`),
    exportReport: (format) => file(`fedshare-report-Contoso-Lab.${format === 'markdown' ? 'md' : format}`),
    partnerDomains: () => Promise.resolve(['fabrikam.test', 'eu.fabrikam.test']),
    partnerKit: (domain, format) => file(`fedshare-partner-kit-${domain}.${format === 'markdown' ? 'md' : 'html'}`),
    openExport: () => Promise.resolve(),
    revealExport: () => Promise.resolve(),
    listProfiles: () => Promise.resolve(structuredClone(profiles)),
    saveProfile: (profile, previous) => {
      if (previous !== undefined && same(previous, 'Lab') && !same(profile.name, 'Lab')) return noLab();
      const replaced = previous ?? profile.name;
      profiles = [...profiles.filter((p) => !same(p.name, replaced) && !same(p.name, profile.name)), profile];
      return Promise.resolve(structuredClone(profiles));
    },
    removeProfile: (name) => {
      if (same(name, 'Lab')) return noLab();
      profiles = profiles.filter((p) => !same(p.name, name));
      return Promise.resolve(structuredClone(profiles));
    },
    testProfile: (profile) =>
      profile.backend.kind === 'lab'
        ? Promise.resolve({ ...FAKE_CONNECTION, profile: profile.name })
        : Promise.reject({
            code: 'exchange.host_start',
            message: 'Windows PowerShell is not available in the browser preview.',
          }),
    keychainStatus: () => Promise.resolve({ backend: 'secretService', available: true, locked: false }),
    setCredential: (r) =>
      Promise.resolve({
        profile: r.profile,
        purpose: r.purpose,
        userName: r.user,
        store: r.sessionOnly ? { kind: 'session' } : { kind: 'keychain', backend: 'secretService', persistent: true },
      }),
    testCredential: (profile, purpose, sessionOnly) =>
      Promise.resolve({
        profile,
        purpose,
        userName: 'CONTOSO\\admin',
        store: sessionOnly ? { kind: 'session' } : { kind: 'keychain', backend: 'secretService', persistent: true },
        keychainRoundTrip: !sessionOnly,
      }),
    forgetCredential: (profile, purpose, sessionOnly) =>
      Promise.resolve({
        profile,
        purpose,
        removed: true,
        store: sessionOnly ? { kind: 'session' } : { kind: 'keychain', backend: 'secretService', persistent: true },
      }),
  };
}
