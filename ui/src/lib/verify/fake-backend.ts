// The Verify page's part of the fake backend: the lab's results after the lab plan is applied
// (one warning left), the explainer's table for a few known errors, and Fabrikam's discovery.
import type { CertificateStatus } from '../bindings/CertificateStatus';
import type { Explanation } from '../bindings/Explanation';
import type { FreeBusyProof } from '../bindings/FreeBusyProof';
import type { KeptProof } from '../bindings/KeptProof';
import type { PartnerDiscovery } from '../bindings/PartnerDiscovery';
import type { PlanView } from '../bindings/PlanView';
import type { SavedRun } from '../bindings/SavedRun';
import type { VerifiedCheck } from '../bindings/VerifiedCheck';
import type { VerifyBackend } from './backend';

const DOC = 'https://learn.microsoft.com/exchange/sharing/federation/federation';

function check(partial: Partial<VerifiedCheck> & Pick<VerifiedCheck, 'id' | 'title' | 'step'>): VerifiedCheck {
  return {
    severity: 'error',
    status: 'pass',
    evidence: [],
    explanation: '',
    docLink: DOC,
    ...partial,
  };
}

export const LAB_RUN: SavedRun = {
  header: { time: '2025-11-26T10:00:00Z', organization: 'Contoso Lab', schema: 1 },
  results: [
    check({
      id: 'clock.skew',
      title: 'Clock skew to the Exchange server',
      step: 'prerequisites',
      evidence: [{ subject: 'Server time − workstation time', actual: '2 s', expected: 'under 5 minutes' }],
      explanation: 'Security tokens are refused when the clocks differ by more than five minutes.',
    }),
    check({
      id: 'trust.present',
      title: 'A federation trust exists',
      step: 'federationTrust',
      evidence: [{ subject: 'Get-FederationTrust.Name', actual: 'Azure AD authentication', expected: 'a trust' }],
      explanation: 'Without a federation trust the organization cannot request delegation tokens.',
    }),
    check({
      id: 'domain.proof:contoso.test',
      title: 'Domain proof TXT record for contoso.test',
      step: 'federationTrust',
      subject: 'contoso.test',
      evidence: [{ subject: 'TXT contoso.test', actual: 'Zm9vYmFy…', expected: 'Zm9vYmFy…' }],
      explanation: 'The Microsoft Federation Gateway checks this record before it accepts the domain.',
    }),
    check({
      id: 'trust.certificate-expiry',
      title: 'Federation certificate expiry',
      step: 'federationTrust',
      severity: 'warning',
      status: 'warning',
      evidence: [{ subject: 'Get-FederationTrust.OrgCertificate.NotAfter', actual: '2026-01-10', expected: 'more than 60 days away' }],
      explanation: 'When the certificate expires, every free/busy request to partners fails.',
      fix: {
        summary: 'Create a new federation certificate and make it the next certificate.',
        commands: ["Set-FederationTrust -Identity 'Azure AD authentication' -Thumbprint <new thumbprint> -PublishFederationCertificate"],
      },
    }),
    check({
      id: 'orgrel.target:Fabrikam',
      title: 'Fabrikam targets match what fabrikam.test publishes',
      step: 'organizationRelationships',
      subject: 'Fabrikam',
      evidence: [
        {
          subject: 'TargetApplicationUri',
          actual: 'FYDIBOHF25SPDLT.fabrikam.test',
          expected: 'FYDIBOHF25SPDLT.fabrikam.test',
        },
      ],
      explanation: 'Requests go to the partner values the relationship holds.',
    }),
    check({
      id: 'policy.contradiction',
      title: 'Sharing policy entries agree',
      step: 'sharingPolicies',
      explanation: 'Two entries for one domain grant different actions.',
    }),
    check({
      id: 'dns.autodiscover:contoso.test',
      title: 'autodiscover.contoso.test resolves',
      step: 'autodiscoverDns',
      subject: 'contoso.test',
      evidence: [{ subject: 'CNAME autodiscover.contoso.test', actual: 'mail.contoso.test', expected: 'mail.contoso.test' }],
      explanation: 'Partners find this organization through Autodiscover.',
    }),
  ],
};

const KNOWN: { terms: string; explanation: Explanation }[] = [
  {
    terms: 'proof of domain ownership has failed',
    explanation: {
      id: 'proof-failed',
      cause:
        "The domain proof TXT record is missing or differs from Get-FederatedDomainProof's Proof (the broker answered ProofOfOwnershipNotValid), or it has not replicated yet.",
      confirmWith: ['domain.proof:<domain>', 'domain.active:<domain>', 'dns.txt-size:<domain>'],
      fixes: [
        {
          summary: 'Publish the exact Proof as a TXT record at the domain itself, check it, wait for replication, then retry.',
          commands: ['Get-FederatedDomainProof -DomainName <domain> | fl Thumbprint,Proof', 'nslookup -querytype=txt <domain>'],
        },
      ],
      matched: 'proof of domain ownership has failed',
    },
  },
];

export const FABRIKAM_DISCOVERY: PartnerDiscovery = {
  domain: 'fabrikam.test',
  attempts: [
    {
      step: 'autodiscoverHost',
      method: 'POST',
      url: 'https://autodiscover.fabrikam.test/autodiscover/autodiscover.svc',
      outcome: { kind: 'success' },
      summary: 'answered',
      elapsedMs: 41,
    },
  ],
  result: {
    domainName: 'fabrikam.test',
    targetApplicationUri: 'FYDIBOHF25SPDLT.fabrikam.test',
    targetAutodiscoverEpr: 'https://autodiscover.fabrikam.test/autodiscover/autodiscover.svc/WSSecurity',
    tokenIssuerUris: ['urn:federation:MicrosoftOnline'],
    tokenIssuers: [{ uri: 'urn:federation:MicrosoftOnline', endpoint: 'https://login.microsoftonline.com/extSTS.srf' }],
    domainNames: ['fabrikam.test', 'eu.fabrikam.test'],
    sourceUrl: 'https://autodiscover.fabrikam.test/autodiscover/autodiscover.svc',
    exchangeOnline: null,
  },
  unsecuredRedirect: null,
  warnings: [],
  clockOffsetSeconds: 1,
  elapsedMs: 43,
};

/** A partner without Autodiscover: both secure URLs fail, as Exchange would see it. */
function unreachable(domain: string): PartnerDiscovery {
  const attempt = (step: 'autodiscoverHost' | 'domainHost', host: string) => ({
    step,
    method: 'POST',
    url: `https://${host}/autodiscover/autodiscover.svc`,
    outcome: { kind: 'failed' as const, failure: { kind: 'dns' as const, message: `${host}: no such name (NXDOMAIN)` } },
    summary: `name not resolved: ${host}: no such name (NXDOMAIN)`,
    elapsedMs: 12,
  });
  return {
    domain,
    attempts: [attempt('autodiscoverHost', `autodiscover.${domain}`), attempt('domainHost', domain)],
    result: null,
    unsecuredRedirect: null,
    warnings: [],
    clockOffsetSeconds: null,
    elapsedMs: 25,
  };
}

export function fakeVerifyBackend(): VerifyBackend {
  let active = 'Lab';
  const proofs = new Map<string, KeptProof>();
  // The last verification per profile, as the engine keeps it under the data dir.
  const kept = new Map<string, SavedRun>();
  return {
    runVerification: (onProgress) => {
      const items = ['Get-FederationTrust', 'Get-OrganizationRelationship', 'TXT contoso.test', 'GetFederationInformation fabrikam.test'];
      items.forEach((item, i) => onProgress({ done: i + 1, total: items.length, item, ok: true }));
      kept.set(active, structuredClone(LAB_RUN));
      return Promise.resolve(structuredClone(LAB_RUN));
    },
    lastVerification: () => Promise.resolve(structuredClone(kept.get(active) ?? null)),
    acknowledge: (_checkId, reason, expires) => {
      if (reason.trim() === '') {
        return Promise.reject({ code: 'checks.empty_reason', message: 'an acknowledgement needs a reason' });
      }
      return Promise.resolve({ reason, expires, by: 'admin' });
    },
    removeAcknowledgement: () => Promise.resolve(true),
    explainError: (text) => {
      const t = text.toLowerCase().replace(/\s+/g, ' ');
      return Promise.resolve(KNOWN.filter((k) => t.includes(k.terms)).map((k) => structuredClone(k.explanation)));
    },
    partnerPreview: (domain) =>
      Promise.resolve(domain.trim().toLowerCase() === 'fabrikam.test' ? structuredClone(FABRIKAM_DISCOVERY) : unreachable(domain.trim())),
    useProfile: (name) => {
      active = name;
      return Promise.resolve({
        profile: name,
        organization: name === 'Lab' ? 'Contoso Lab' : name,
        isLab: name === 'Lab',
        host: 'Lab shell',
        hostVersion: 'Version 15.0 (Build 1497.2)',
      });
    },
    activeProfile: () => Promise.resolve(active),
    proveFreeBusy: (request) => {
      const proof = fakeProof(request.from, request.to);
      proofs.set(`${request.from}>${proof.partnerDomain}`, { time: '2026-12-04T16:00:00Z', proof });
      return Promise.resolve(structuredClone(proof));
    },
    freeBusyProofs: () => Promise.resolve(structuredClone([...proofs.values()])),
    certificateStatus: () => Promise.resolve(structuredClone(FAKE_CERTIFICATES)),
    certificateRollPreview: () => Promise.resolve(structuredClone(FAKE_ROLL)),
    certificateRoll: (onProgress) => {
      FAKE_ROLL.steps.forEach((s, index) => {
        onProgress({ kind: 'step', index, total: FAKE_ROLL.steps.length, id: s.id, title: s.title });
        onProgress({ kind: 'stepDone', index, total: FAKE_ROLL.steps.length, id: s.id });
      });
      return Promise.resolve({ applied: FAKE_ROLL.steps.map((s) => s.id), remaining: 0 });
    },
  };
}

/** A trust whose certificate has 26 days left: the section says it is urgent. */
export const FAKE_CERTIFICATES: CertificateStatus = {
  trust: 'Microsoft Federation Gateway',
  checkedAt: '2026-12-04T16:00:00Z',
  renewWithinDays: 60,
  urgentWithinDays: 30,
  certificates: [
    {
      slot: 'current',
      property: 'OrgCertificate',
      thumbprint: 'A1D81CD4AAEC953C3C4AA1B03F8FBFCD3E1C5ED3',
      subject: 'CN=contoso.com',
      notAfter: '2026-12-30T16:00:00Z',
      daysLeft: 26,
      lifetime: 'urgent',
    },
  ],
  advice: ['The current certificate expires in 26 days: roll it now (fedshare certificate roll) while the trust still works.'],
  metadataRefresh: {
    builtin: 'onWindows2012OrLater',
    explanation: 'Build 1497 refreshes the metadata itself every 12 hours, but only on Windows Server 2012 or later.',
    commands: ['Get-FederationTrust | Set-FederationTrust -RefreshMetadata'],
  },
};

export const FAKE_ROLL: PlanView = {
  organization: 'Contoso',
  steps: [
    {
      id: 'roll.publish',
      title: 'Make the new certificate current (-PublishFederationCertificate)',
      kind: 'federationTrust',
      commands: ["Set-FederationTrust -Identity 'Microsoft Federation Gateway' -PublishFederationCertificate"],
      preconditions: [],
    },
  ],
  script: "Set-FederationTrust -Identity 'Microsoft Federation Gateway' -PublishFederationCertificate\n",
};

/** Fabrikam's lab mailbox answers with free/busy; any other address is refused with 5037. */
export function fakeProof(from: string, to: string): FreeBusyProof {
  const partnerDomain = to.split('@')[1] ?? '';
  const base = {
    from,
    to,
    partnerDomain,
    day: '2026-12-04',
    ewsUrl: 'https://mail.contoso.test/EWS/Exchange.asmx',
    signedInAs: from,
    impersonated: false,
    elapsedMs: 17,
  };
  if (to === 'lidiah@fabrikam.test') {
    return {
      ...base,
      result: {
        kind: 'freeBusy',
        data: {
          viewType: 'FreeBusy',
          merged: null,
          workingHoursBias: 0,
          slots: [
            { start: '2026-12-04T09:00:00', end: '2026-12-04T10:00:00', busyType: 'Busy' },
            { start: '2026-12-04T13:30:00', end: '2026-12-04T14:00:00', busyType: 'Tentative' },
          ],
        },
      },
    };
  }
  return {
    ...base,
    result: {
      kind: 'refused',
      error: {
        responseCode: 'ErrorNoFreeBusyAccess',
        messageText: 'The caller does not have access to free/busy data.',
        exceptionType: 'Microsoft.Exchange.InfoWorker.Common.Availability.NoFreeBusyAccessException',
        exceptionCode: 5037,
        exceptionServerName: 'FABEX01',
        responseSource: `https://autodiscover.${partnerDomain}/EWS/Exchange.asmx/WSSecurity`,
      },
      diagnosis: {
        id: 'freebusy.no_access',
        exchangeCode: 5037,
        responseCode: 'ErrorNoFreeBusyAccess',
        side: 'partner',
        cause: "The partner's Exchange refused to share free/busy with us.",
        fix: 'Ask the partner to add our domain to their organization relationship.',
        eventId: null,
      },
    },
  };
}
