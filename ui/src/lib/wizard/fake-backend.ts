// The wizard part of the browser/test fake: a plan for the fake lab (contoso.test), a preview
// that empties once applied, progress events shaped exactly like the Rust `Progress`, and an
// undo that brings the steps back. State lives in the closure, one world per fake backend.
import type { CheckResult } from '../bindings/CheckResult';
import type { LiveRecord } from '../bindings/LiveRecord';
import type { PlanDocument } from '../bindings/PlanDocument';
import type { PlanView } from '../bindings/PlanView';
import type { Progress } from '../bindings/Progress';
import type { RunKind } from '../bindings/RunKind';
import type { RunStatus } from '../bindings/RunStatus';
import type { StepKind } from '../bindings/StepKind';
import type { StepView } from '../bindings/StepView';
import type { WizardBackend } from './backend';

export const SHARING_ACTIONS = [
  'CalendarSharingFreeBusySimple',
  'CalendarSharingFreeBusyDetail',
  'CalendarSharingFreeBusyReviewer',
  'ContactsSharing',
  'MeetingLimitedDetails',
  'MeetingFullDetails',
  'MeetingFullDetailsWithAttendees',
];

export const FAKE_PLAN: PlanDocument = {
  trust: { name: 'Azure AD authentication', certificate: 'new' },
  domains: { primary: 'contoso.test', additional: ['sales.contoso.test'] },
  relationship: [
    { name: 'Fabrikam', domains: ['fabrikam.test', 'eu.fabrikam.test'], free_busy_enabled: true, access_level: 'LimitedDetails', enabled: true },
    {
      name: 'Adatum',
      domains: ['adatum.test'],
      free_busy_enabled: true,
      access_level: 'AvailabilityOnly',
      enabled: true,
      target_application_uri: 'outlook.com',
      target_autodiscover_epr: 'https://autodiscover-s.outlook.com/autodiscover/autodiscover.svc/WSSecurity',
    },
  ],
  policy: [
    {
      name: 'Fabrikam',
      entries: ['fabrikam.test: CalendarSharingFreeBusyDetail, ContactsSharing'],
      default: false,
      enabled: true,
      mailboxes: ['alexw@contoso.test', 'meganb@contoso.test'],
    },
  ],
  autodiscover: [{ domain: 'contoso.test', target: 'mail.contoso.test' }],
  dns: { mode: 'rfc2136', server: 'lab', key_name: 'fedshare-lab.' },
};

const PROOF = 'Yt8B6vWbYjE2Q0xxNmZ3cW1xQkRzR2Z4Z2l5bXh0Rk9ERkl4b2c9';
const CONTOSO_PROOF = 'kQ3vX0nq8H1mZs5yR2bT4wP6uA9cE7dF0gJ1hL3oN5s=';
const PROOF_RECORD = `sales.contoso.test IN TXT "${PROOF}"`;
const CNAME_RECORD = 'autodiscover.contoso.test IN CNAME mail.contoso.test.';

const STEPS: StepView[] = [
  {
    id: 'dns.proof:sales.contoso.test',
    title: 'Publish the domain proof TXT record for sales.contoso.test',
    kind: 'federationTrust',
    commands: [`DNS: create ${PROOF_RECORD}`, `DNS: wait until ${PROOF_RECORD} resolves`],
    preconditions: ['Get-FederatedDomainProof -DomainName sales.contoso.test returned the proof'],
  },
  {
    id: 'domain.add:sales.contoso.test',
    title: 'Add sales.contoso.test to the federated domains',
    kind: 'federationTrust',
    commands: ["Add-FederatedDomain -DomainName 'sales.contoso.test'"],
    preconditions: ['after step dns.proof:sales.contoso.test', `${PROOF_RECORD} resolves`],
  },
  {
    id: 'relationship:Adatum',
    title: 'Create the organization relationship "Adatum"',
    kind: 'organizationRelationships',
    commands: [
      "New-OrganizationRelationship -Name 'Adatum' -DomainNames 'adatum.test' -FreeBusyAccessEnabled $true -FreeBusyAccessLevel 'AvailabilityOnly' -Enabled $true -TargetApplicationUri 'outlook.com' -TargetAutodiscoverEpr 'https://autodiscover-s.outlook.com/autodiscover/autodiscover.svc/WSSecurity'",
    ],
    preconditions: [],
  },
  {
    id: 'policy:Fabrikam',
    title: 'Create the sharing policy "Fabrikam"',
    kind: 'sharingPolicies',
    commands: ["New-SharingPolicy -Name 'Fabrikam' -Domains 'fabrikam.test: CalendarSharingFreeBusyDetail, ContactsSharing' -Enabled $true"],
    preconditions: [],
  },
  {
    id: 'policy.assign:Fabrikam',
    title: 'Assign the sharing policy "Fabrikam" to 2 mailbox(es)',
    kind: 'sharingPolicies',
    commands: ["Set-Mailbox -Identity 'alexw@contoso.test' -SharingPolicy 'Fabrikam'", "Set-Mailbox -Identity 'meganb@contoso.test' -SharingPolicy 'Fabrikam'"],
    preconditions: ['after step policy:Fabrikam'],
  },
  {
    id: 'dns.autodiscover:contoso.test',
    title: 'Point autodiscover.contoso.test at mail.contoso.test',
    kind: 'autodiscoverDns',
    commands: [`DNS: create ${CNAME_RECORD}`, `DNS: wait until ${CNAME_RECORD} resolves`],
    preconditions: [],
  },
];

const DOC = 'https://learn.microsoft.com/en-us/exchange/configure-federated-sharing-exchange-2013-help';

function script(steps: StepView[]): string {
  const body = steps.map((s) => `# ${s.title}\n${s.commands.map((c) => (c.startsWith('DNS:') ? `# ${c}` : c)).join('\n')}`);
  return ['# Fedshare plan for Contoso Lab', ...body].join('\n\n') + '\n';
}

const VERIFIED: [StepKind, string, string][] = [
  ['federationTrust', 'federation-trust', 'Federation trust'],
  ['organizationRelationships', 'organization-relationships', 'Organization relationships'],
  ['sharingPolicies', 'sharing-policies', 'Sharing policies'],
  ['autodiscoverDns', 'autodiscover-dns', 'Autodiscover DNS'],
];

function verification(pending: StepView[]): CheckResult[] {
  return VERIFIED.map(([kind, slug, title]) => {
    const left = pending.filter((s) => s.kind === kind);
    const check: CheckResult = {
      id: `plan.${slug}`,
      title: `${title} matches the plan`,
      step: kind,
      severity: 'error',
      status: left.length === 0 ? 'pass' : 'failure',
      subject: 'Contoso Lab',
      evidence: left.map((s) => ({ subject: s.title, actual: 'not done', expected: 'done' })),
      explanation:
        left.length === 0 ? 'Every object this step manages was read back and equals the plan.' : `${left.length} planned step(s) of this part are not applied yet.`,
      docLink: DOC,
    };
    if (left.length > 0) check.fix = { summary: 'Apply the plan, or run these lines in the Exchange Management Shell.', commands: left.flatMap((s) => s.commands) };
    return check;
  });
}

const PREREQUISITES: CheckResult[] = [
  {
    id: 'prereq.accepted-domain:sales.contoso.test',
    title: 'sales.contoso.test is an accepted domain that can be federated',
    step: 'prerequisites',
    severity: 'error',
    status: 'pass',
    subject: 'sales.contoso.test',
    evidence: [{ subject: 'Get-AcceptedDomain', actual: 'Authoritative', expected: 'Authoritative or InternalRelay' }],
    explanation: 'Federated domains must be accepted domains without subdomains, of type Authoritative or InternalRelay.',
    docLink: DOC,
  },
  {
    id: 'prereq.management-roles',
    title: 'The account has the Federated Sharing management role',
    step: 'prerequisites',
    severity: 'error',
    status: 'notChecked',
    evidence: [],
    explanation: 'Creating the trust, the relationships and the policies needs the Federated Sharing role (Organization Management).',
    docLink: DOC,
  },
];

function record(applied: boolean, base: Omit<LiveRecord, 'status' | 'answer'>): LiveRecord {
  return { ...base, status: applied ? 'resolves' : 'missing', answer: applied ? [base.value] : [] };
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface FakeWizardOptions {
  /** A DNS wait lasts until Cancel (a record that never propagates). */
  holdDnsWaits?: boolean;
}

/** `delayMs` paces the progress events so the browser preview shows them (tests use 0). */
export function fakeWizardBackend(delayMs = 0, options: FakeWizardOptions = {}): WizardBackend {
  let plan = structuredClone(FAKE_PLAN);
  let applied: string[] = [];
  const pending = () => STEPS.filter((s) => !applied.includes(s.id));
  // The app's one run, as the Rust run registry keeps it.
  let status: RunStatus | null = null;
  let cancelled = () => {};

  function begin(kind: RunKind): RunStatus {
    if (status?.outcome === 'running') {
      throw {
        code: 'engine.run_in_progress',
        message: `An ${status.kind} is already running in this window: see the progress in the header (Cancel there stops it at its next safe point).`,
      };
    }
    status = { id: (status?.id ?? 0) + 1, kind, profile: 'Lab', startedAt: new Date().toISOString(), outcome: 'running', log: [], cancelRequested: false };
    return status;
  }

  async function finish<T>(run: RunStatus, work: Promise<T>): Promise<T> {
    try {
      const result = await work;
      run.outcome = 'done';
      return result;
    } catch (reason) {
      const error = reason as { code: string; message: string };
      run.outcome = error.code === 'plan.cancelled' ? 'cancelled' : 'failed';
      run.error = error;
      throw reason;
    }
  }

  function checkCancel(run: RunStatus, step: StepView) {
    if (run.cancelRequested) {
      throw {
        code: 'plan.cancelled',
        message: `cancelled during step ${step.id}: nothing more was run. Every step applied before it stays applied and recorded in the journal; apply again to resume from here, or undo`,
      };
    }
  }

  /** A DNS wait: over at once, or (holdDnsWaits) only when cancelled. */
  function dnsWait(run: RunStatus): Promise<void> {
    if (!options.holdDnsWaits || run.cancelRequested) return Promise.resolve();
    return new Promise((resolve) => (cancelled = resolve));
  }

  async function run(steps: StepView[], report: (p: Progress) => void, undo: boolean, current: RunStatus): Promise<string[]> {
    const onProgress = (p: Progress) => {
      current.log.push(p);
      report(p);
    };
    const total = steps.length;
    const ran: string[] = [];
    for (const [i, step] of steps.entries()) {
      const index = i + 1;
      onProgress({ kind: 'step', index, total, id: step.id, title: undo ? `Undo: ${step.title}` : step.title });
      for (const line of step.commands) {
        await wait(delayMs);
        checkCancel(current, step);
        if (line.startsWith('DNS: wait until')) {
          onProgress({ kind: 'waitingForDns', index, total, record: line.slice(16, -9), attempt: 1, remaining_seconds: 1800 });
          await dnsWait(current);
          checkCancel(current, step);
        } else if (line.startsWith('DNS: create')) {
          onProgress({ kind: 'publishing', index, total, record: line.slice(12) });
        } else {
          onProgress({ kind: 'invoking', index, total, cmdlet: line.split(' ')[0] ?? line, line });
        }
      }
      await wait(delayMs);
      onProgress({ kind: 'stepDone', index, total, id: step.id });
      ran.push(step.id);
    }
    return ran;
  }

  return {
    planDocument: () => Promise.resolve(structuredClone(plan)),
    // The real rules are the engine's (check_plan_document); the fake knows one, for tests.
    checkPlanDocument: (document) =>
      Promise.resolve(document.trust.name.trim() === '' ? [{ field: 'trust.name', message: 'Give a name of 1 to 64 characters.' }] : []),
    savePlanDocument: (document) => {
      if (document.trust.name.trim() === '') {
        return Promise.reject({
          code: 'plan.invalid',
          message: 'The plan has a problem, shown under its field.',
          detail: 'Give a name of 1 to 64 characters.',
        });
      }
      plan = structuredClone(document);
      return Promise.resolve(structuredClone(plan));
    },
    planPreview: () => {
      const steps = pending();
      return Promise.resolve({ organization: 'Contoso Lab', steps: structuredClone(steps), script: steps.length ? script(steps) : '' } satisfies PlanView);
    },
    applyPlan: async (onProgress) => {
      const current = begin('apply');
      return finish(
        current,
        (async () => {
          const ran: string[] = [];
          await run(pending(), (p) => {
            if (p.kind === 'stepDone') {
              applied = [...applied, p.id];
              ran.push(p.id);
            }
            onProgress(p);
          }, false, current);
          return { applied: ran, remaining: 0 };
        })(),
      );
    },
    undoChanges: async (onProgress, choice) => {
      const current = begin('undo');
      return finish(
        current,
        (async () => {
          const newestFirst = STEPS.filter((s) => applied.includes(s.id)).reverse();
          const stop = choice.backTo === null ? newestFirst.length : newestFirst.findIndex((s) => s.id === choice.backTo) + 1;
          const undone = await run(newestFirst.slice(0, stop), onProgress, true, current);
          applied = applied.filter((id) => !undone.includes(id));
          return { undone, kept: [] };
        })(),
      );
    },
    applyReview: () => {
      const steps = pending();
      return Promise.resolve({
        organization: 'Contoso Lab',
        steps: steps.map((s) => ({
          id: s.id,
          title: s.title,
          kind: s.kind,
          before: s.id.startsWith('policy') ? ['Name: Fabrikam', 'Domains: (none)', 'Enabled: True'] : [],
          commands: [...s.commands],
        })),
        script: steps.length ? script(steps) : '',
      });
    },
    undoReview: () => {
      const steps = STEPS.filter((s) => applied.includes(s.id)).reverse();
      const domains = steps.filter((s) => s.id.startsWith('domain.add:')).map((s) => s.id.slice('domain.add:'.length));
      return Promise.resolve({
        steps: steps.map((s) => ({
          id: s.id,
          title: s.title,
          appliedAt: '2026-12-04T16:00:00Z',
          appliedBy: 'CONTOSO\\admin',
          commands: s.id.startsWith('domain.add:') ? [`Remove-FederatedDomain -DomainName '${s.id.slice(11)}'`] : [`# undo ${s.id}`],
          removesDomains: s.id.startsWith('domain.add:') ? [s.id.slice(11)] : [],
        })),
        script: steps.map((s) => `# Undo: ${s.title}`).join('\n'),
        ...(domains.length
          ? { domainsWarning: `Warning: this undo removes the federated domain(s) ${domains.join(', ')}. Federating the same domain again on the same day can fail with "MaxUriReached: Same URI cannot be attached to different AppId on a single day"; if it does, wait 24 hours before applying again.` }
          : {}),
      });
    },
    runStatus: () => Promise.resolve(status === null ? null : structuredClone(status)),
    cancelRun: () => {
      if (status?.outcome !== 'running') return Promise.resolve(false);
      status.cancelRequested = true;
      cancelled();
      return Promise.resolve(true);
    },
    prerequisites: () => Promise.resolve(structuredClone(PREREQUISITES)),
    verifyPlan: () => Promise.resolve(verification(pending())),
    domainProofs: () =>
      Promise.resolve([
        record(true, {
          domain: 'contoso.test',
          name: 'contoso.test',
          recordType: 'TXT',
          value: CONTOSO_PROOF,
          text: `contoso.test IN TXT "${CONTOSO_PROOF}"`,
          thumbprint: '6C1D4E5B2A0F9E8D7C6B5A4F3E2D1C0B9A8F7E6D',
        }),
        record(applied.includes('dns.proof:sales.contoso.test'), {
          domain: 'sales.contoso.test',
          name: 'sales.contoso.test',
          recordType: 'TXT',
          value: PROOF,
          text: PROOF_RECORD,
          thumbprint: '6C1D4E5B2A0F9E8D7C6B5A4F3E2D1C0B9A8F7E6D',
        }),
      ]),
    autodiscoverRecords: () =>
      Promise.resolve([
        record(applied.includes('dns.autodiscover:contoso.test'), {
          domain: 'contoso.test',
          name: 'autodiscover.contoso.test',
          recordType: 'CNAME',
          value: 'mail.contoso.test',
          text: CNAME_RECORD,
        }),
      ]),
    sharingActions: () => Promise.resolve([...SHARING_ACTIONS]),
  };
}
