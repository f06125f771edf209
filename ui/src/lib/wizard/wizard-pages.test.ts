import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { createFakeBackend } from '../backend/fake';
import { createOrgSource } from '../backend/org-source';
import type { Backend } from '../backend/types';
import type { ApplyReport } from '../bindings/ApplyReport';
import type { PlanDocument } from '../bindings/PlanDocument';
import type { Progress } from '../bindings/Progress';
import AutodiscoverDns from '../pages/AutodiscoverDns.svelte';
import BeforeYouBegin from '../pages/BeforeYouBegin.svelte';
import FederationTrust from '../pages/FederationTrust.svelte';
import OrganizationRelationships from '../pages/OrganizationRelationships.svelte';
import SharingPolicies from '../pages/SharingPolicies.svelte';
import { deferred } from '../../test/deferred';
import { LAB_RUN } from '../verify/fake-backend';

function page(component: typeof FederationTrust, backend: Backend = createFakeBackend()) {
  render(component, { backend, org: createOrgSource(backend) });
  return backend;
}

describe('1 Federation trust, the whole flow with the fake lab', () => {
  it('plans, applies with progress, verifies, re-plans nothing and undoes', async () => {
    page(FederationTrust);
    const steps = await screen.findByTestId('planned-steps');
    expect(within(steps).getAllByTestId('planned-step').map((s) => s.dataset['stepId'])).toEqual([
      'dns.proof:sales.contoso.test',
      'domain.add:sales.contoso.test',
    ]);
    expect(within(steps).getAllByTestId('command').map((c) => c.textContent)).toContain("Add-FederatedDomain -DomainName 'sales.contoso.test'");
    expect(screen.getByTestId('plan-summary')).toHaveTextContent('2 steps here, 6 steps in the whole plan');
    expect(screen.getByTestId('plan-script')).toHaveTextContent('New-SharingPolicy');
    const before = await screen.findAllByTestId('live-record');
    expect(before.map((r) => r.dataset['status'])).toEqual(['resolves', 'missing']);

    await userEvent.click(screen.getByTestId('apply'));
    await userEvent.click(await screen.findByTestId('review-confirm'));
    expect(await screen.findByTestId('run-result')).toHaveTextContent(
      'Applied 6 steps, each verified by reading it back (on this page: Publish the domain proof TXT record for sales.contoso.test; Add sales.contoso.test to the federated domains).',
    );
    expect(await screen.findByTestId('nothing-to-do')).toHaveTextContent('Nothing to do: the organization matches the plan.');
    await vi.waitFor(() => expect(screen.getAllByTestId('live-record').map((r) => r.dataset['status'])).toEqual(['resolves', 'resolves']));

    await userEvent.click(screen.getByTestId('verify'));
    await vi.waitFor(() => expect(screen.getByTestId('run-result')).toHaveTextContent('Every check passes'));
    expect(screen.getAllByTestId('check').map((c) => c.dataset['status'])).toEqual(['pass', 'pass', 'pass', 'pass']);

    await userEvent.click(screen.getByTestId('undo'));
    await userEvent.click(await screen.findByTestId('review-confirm'));
    await vi.waitFor(() => expect(screen.getByTestId('run-result')).toHaveTextContent(/^Undid 6 steps, newest first/));
    expect(await screen.findByTestId('plan-summary')).toHaveTextContent('2 steps here');
  });

  it('shows step n of m, the cmdlet line and the DNS countdown while a run is in progress', async () => {
    const finish = deferred<ApplyReport>();
    let emit: (p: Progress) => void = () => {};
    page(
      FederationTrust,
      createFakeBackend({
        applyPlan: (onProgress) => {
          emit = onProgress;
          return finish.promise;
        },
      }),
    );
    await userEvent.click(await screen.findByTestId('apply'));
    await userEvent.click(await screen.findByTestId('review-confirm'));
    expect(screen.getByTestId('apply')).toBeDisabled();
    expect(screen.getByTestId('undo')).toBeDisabled();
    emit({ kind: 'step', index: 3, total: 9, id: 'dns.proof:contoso.com', title: 'Publish the domain proof TXT record for contoso.com' });
    emit({ kind: 'invoking', index: 3, total: 9, cmdlet: 'Get-FederatedDomainProof', line: "Get-FederatedDomainProof -DomainName 'contoso.com'" });
    expect(await screen.findByTestId('run-step')).toHaveTextContent('Step 3 of 9: Publish the domain proof TXT record for contoso.com');
    expect(screen.getByTestId('run-line')).toHaveTextContent("Get-FederatedDomainProof -DomainName 'contoso.com'");
    emit({ kind: 'waitingForDns', index: 3, total: 9, record: 'contoso.com IN TXT "abc"', attempt: 4, remaining_seconds: 1755 });
    expect(await screen.findByTestId('run-wait')).toHaveTextContent('contoso.com IN TXT "abc" does not resolve yet (attempt 4); re-checking, gives up in 29:15');
    finish.resolve({ applied: ['dns.proof:contoso.com'], remaining: 0 });
    expect(await screen.findByTestId('run-result')).toHaveTextContent('on this page: Publish the domain proof TXT record for contoso.com');
    // The last step stays on screen as a record of the run; the live parts go.
    expect(screen.getByTestId('run-step')).toHaveTextContent('Step 3 of 9');
    expect(screen.queryByTestId('run-wait')).toBeNull();
    expect(screen.queryByTestId('run-line')).toBeNull();
  });

  it('says where a failed run stopped and what to do', async () => {
    page(
      FederationTrust,
      createFakeBackend({
        applyPlan: (onProgress) => {
          onProgress({ kind: 'step', index: 2, total: 6, id: 'trust.create', title: 'Create the federation trust "T"' });
          onProgress({ kind: 'stepFailed', index: 2, total: 6, id: 'trust.create', error: 'boom' });
          return Promise.reject({ code: 'plan.step_failed', message: 'step trust.create failed: New-FederationTrust: FederationCertificateInvalidException: no key' });
        },
      }),
    );
    await userEvent.click(await screen.findByTestId('apply'));
    await userEvent.click(await screen.findByTestId('review-confirm'));
    expect(await screen.findByTestId('run-failed')).toHaveTextContent('Stopped at step 2 of 6: Create the federation trust "T". Steps before it stay applied');
    expect(screen.getByRole('alert')).toHaveTextContent('FederationCertificateInvalidException');
  });

  it('saves the edited trust form and shows a plan error with its line', async () => {
    const save = vi.fn((doc: PlanDocument) => Promise.resolve(doc));
    page(FederationTrust, createFakeBackend({ savePlanDocument: save }));
    const name = await screen.findByTestId('trust-name');
    await userEvent.clear(name);
    await userEvent.type(name, 'Contoso trust');
    await userEvent.click(screen.getByTestId('cert-thumbprint'));
    await userEvent.type(screen.getByTestId('thumbprint'), 'AB CD');
    await userEvent.clear(screen.getByTestId('additional-domains'));
    await userEvent.type(screen.getByTestId('additional-domains'), 'sales.contoso.test{enter}eu.contoso.test');
    await userEvent.click(screen.getByTestId('save-plan'));
    expect(await screen.findByTestId('plan-saved')).toBeInTheDocument();
    const sent = save.mock.calls[0]?.[0];
    expect(sent?.trust).toEqual({ name: 'Contoso trust', certificate: { thumbprint: 'AB CD' } });
    expect(sent?.domains.additional).toEqual(['sales.contoso.test', 'eu.contoso.test']);

    save.mockRejectedValueOnce({ code: 'plan.invalid', message: 'lab.toml:3:15: expected a thumbprint of 40 hexadecimal digits', detail: 'line 3: certificate = { thumbprint = "AB CD" }' });
    await userEvent.click(screen.getByTestId('save-plan'));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('40 hexadecimal digits');
    expect(alert).toHaveTextContent('line 3: certificate = { thumbprint = "AB CD" }');
  });
});

describe('1 Federation trust: how DNS records are published', () => {
  it('switches to Windows DNS with its zones and saves the [dns] section', async () => {
    const save = vi.fn((doc: PlanDocument) => Promise.resolve(doc));
    page(FederationTrust, createFakeBackend({ savePlanDocument: save }));
    const rfc = await screen.findByTestId('dns-mode-rfc2136');
    expect(rfc).toBeChecked();
    expect(screen.getByTestId('dns-server')).toHaveValue('lab');
    await userEvent.click(screen.getByTestId('dns-mode-windows'));
    expect(screen.getByTestId('dns-mode-help')).toHaveTextContent('Add-DnsServerResourceRecord');
    expect(screen.queryByTestId('dns-key-name')).toBeNull();
    await userEvent.type(screen.getByTestId('dns-zones'), 'contoso.test{enter}sales.contoso.test');
    await userEvent.type(screen.getByTestId('dns-computer'), 'dc01.contoso.test');
    screen.getByTestId('dns-zones').blur();
    await userEvent.click(screen.getByTestId('save-plan'));
    expect(await screen.findByTestId('plan-saved')).toBeInTheDocument();
    expect(save.mock.calls[0]?.[0].dns).toEqual({
      mode: 'windows',
      zones: ['contoso.test', 'sales.contoso.test'],
      server: 'dc01.contoso.test',
    });

    await userEvent.click(screen.getByTestId('dns-mode-manual'));
    await userEvent.click(screen.getByTestId('save-plan'));
    await vi.waitFor(() => expect(save).toHaveBeenCalledTimes(2));
    expect(save.mock.calls[1]?.[0].dns).toEqual({ mode: 'manual' });
  });
});

describe('2 Organization relationships', () => {
  it('edits the relationship list and shows only its own planned step', async () => {
    const save = vi.fn((doc: PlanDocument) => Promise.resolve(doc));
    page(OrganizationRelationships, createFakeBackend({ savePlanDocument: save }));
    expect(await screen.findByTestId('planned-steps')).toHaveTextContent("New-OrganizationRelationship -Name 'Adatum'");
    expect(screen.getAllByTestId('relationship-form')).toHaveLength(2);
    await userEvent.click(screen.getByTestId('add-relationship'));
    const added = screen.getAllByTestId('relationship-form')[2];
    if (!added) throw new Error('no third relationship');
    await userEvent.type(within(added).getByTestId('rel-name'), 'Tailspin');
    await userEvent.type(within(added).getByTestId('rel-domains'), 'tailspin.test');
    await userEvent.selectOptions(within(added).getByTestId('rel-level'), 'LimitedDetails');
    await userEvent.click(screen.getAllByTestId('remove-relationship')[0] as HTMLElement);
    await userEvent.click(screen.getByTestId('save-plan'));
    await screen.findByTestId('plan-saved');
    expect(save.mock.calls[0]?.[0].relationship.map((r) => [r.name, r.domains, r.access_level])).toEqual([
      ['Adatum', ['adatum.test'], 'AvailabilityOnly'],
      ['Tailspin', ['tailspin.test'], 'LimitedDetails'],
    ]);
  });
});

describe('3 Sharing policies', () => {
  it('edits entries with one checkbox per sharing action', async () => {
    const save = vi.fn((doc: PlanDocument) => Promise.resolve(doc));
    page(SharingPolicies, createFakeBackend({ savePlanDocument: save }));
    const entry = await screen.findByTestId('policy-entry');
    // A domain is offered the four actions New-SharingPolicy accepts for it (Meeting* is Anonymous only).
    expect(await within(entry).findAllByRole('checkbox')).toHaveLength(4);
    await userEvent.click(within(entry).getByLabelText('ContactsSharing'));
    await userEvent.click(within(entry).getByLabelText('CalendarSharingFreeBusySimple'));
    expect(entry).toHaveTextContent('fabrikam.test: CalendarSharingFreeBusySimple, CalendarSharingFreeBusyDetail');
    await userEvent.click(screen.getByLabelText('All mailboxes'));
    await userEvent.click(screen.getByTestId('save-plan'));
    await screen.findByTestId('plan-saved');
    const policy = save.mock.calls[0]?.[0].policy[0];
    expect(policy?.entries).toEqual(['fabrikam.test: CalendarSharingFreeBusySimple, CalendarSharingFreeBusyDetail']);
    expect(policy?.mailboxes).toBe('all');
    expect(screen.getByTestId('planned-steps')).toHaveTextContent("Set-Mailbox -Identity 'alexw@contoso.test' -SharingPolicy 'Fabrikam'");
  });
});

describe('4 Autodiscover DNS', () => {
  it('shows the CNAME to create with its live status, which turns green after Apply', async () => {
    page(AutodiscoverDns);
    const record = await screen.findByTestId('live-record');
    expect(record).toHaveTextContent('autodiscover.contoso.test');
    expect(record).toHaveTextContent('autodiscover.contoso.test IN CNAME mail.contoso.test.');
    expect(within(record).getByTestId('live-status')).toHaveTextContent('Not found');
    expect(screen.getByTestId('ad-target')).toHaveValue('mail.contoso.test');
    await userEvent.click(screen.getByTestId('apply'));
    await userEvent.click(await screen.findByTestId('review-confirm'));
    await screen.findByTestId('run-result');
    await vi.waitFor(() => expect(screen.getByTestId('live-status')).toHaveTextContent('Resolves'));
  });

  it('copies a record value to the clipboard', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    page(AutodiscoverDns);
    await userEvent.click(await screen.findByTestId('copy-record'));
    expect(writeText).toHaveBeenCalledWith('autodiscover.contoso.test IN CNAME mail.contoso.test.');
    expect(screen.getByTestId('copy-record')).toHaveTextContent('Copied');
  });
});

describe('Before you begin', () => {
  it('runs the prerequisites checks for the plan and shows each with its evidence', async () => {
    page(BeforeYouBegin);
    expect(await screen.findByTestId('prereq-summary')).toHaveTextContent('Nothing blocks the plan');
    const checks = screen.getAllByTestId('check');
    // The estimated time is said in the text, never listed as a passed check.
    expect(screen.getByText(/Estimated time/)).toHaveTextContent('Estimated time: 1 hour');
    expect(checks.map((c) => c.textContent).join(' ')).not.toContain('Estimated time');
    expect(checks[0]).toHaveTextContent('Get-AcceptedDomain: Authoritative (expected Authoritative or InternalRelay)');
    expect(checks[1]).toHaveTextContent('Not checked');
  });

  it('never says nothing blocks while the last verification has a Before you begin failure', async () => {
    const run = structuredClone(LAB_RUN);
    const clock = run.results.find((r) => r.id === 'clock.skew');
    if (clock) clock.status = 'failure';
    page(BeforeYouBegin, createFakeBackend({ lastVerification: () => Promise.resolve(run) }));
    await vi.waitFor(() =>
      expect(screen.getByTestId('prereq-summary')).toHaveTextContent('The last verification found 1 failing Before you begin check'),
    );
    expect(screen.getByTestId('prereq-summary')).not.toHaveTextContent('Nothing blocks');
    expect(screen.getByTestId('prereq-verified')).toHaveTextContent('Failure');
  });
});
