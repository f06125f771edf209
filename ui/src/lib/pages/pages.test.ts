import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { createFakeBackend, LAB_ORG } from '../backend/fake';
import { createOrgSource } from '../backend/org-source';
import type { OrgState } from '../backend/types';
import { deferred } from '../../test/deferred';
import AutodiscoverDns from './AutodiscoverDns.svelte';
import BeforeYouBegin from './BeforeYouBegin.svelte';
import FederationTrust from './FederationTrust.svelte';
import OrganizationRelationships from './OrganizationRelationships.svelte';
import SharingPolicies from './SharingPolicies.svelte';

const orgWith = (patch: Partial<OrgState>) => createOrgSource(createFakeBackend({ orgStatus: () => Promise.resolve({ ...structuredClone(LAB_ORG), ...patch }) }));
/** Cell texts of one table row; list cells come out as their items joined by spaces. */
function rowCells(row: Element | undefined): string[] {
  return [...(row?.querySelectorAll('td') ?? [])].map((cell) => {
    const items = cell.querySelectorAll('li');
    const parts = items.length > 0 ? [...items].map((li) => li.textContent ?? '') : [cell.textContent ?? ''];
    return parts.map((p) => p.replace(/\s+/g, ' ').trim()).join(' ');
  });
}

const lab = () => createOrgSource(createFakeBackend());

const DATA_PAGES = [
  { name: 'Before you begin', component: BeforeYouBegin, reading: 'Reading Get-AcceptedDomain…' },
  { name: '1 Federation trust', component: FederationTrust, reading: 'Reading Get-FederationTrust' },
  { name: '2 Organization relationships', component: OrganizationRelationships, reading: 'Reading Get-OrganizationRelationship…' },
  { name: '3 Sharing policies', component: SharingPolicies, reading: 'Reading Get-SharingPolicy…' },
  { name: '4 Autodiscover DNS', component: AutodiscoverDns, reading: 'Reading Get-FederatedOrganizationIdentifier…' },
] as const;

describe.each(DATA_PAGES)('$name page', ({ name, component, reading }) => {
  it('titles itself and says what it is reading while loading', () => {
    const read = deferred<OrgState>();
    render(component, { backend: createFakeBackend(), org: createOrgSource(createFakeBackend({ orgStatus: () => read.promise })) });
    expect(screen.getByTestId('page-title')).toHaveTextContent(name);
    // The page's other panels (plan, proofs) load beside it; the state read names its cmdlets.
    expect(screen.getAllByRole('status').some((s) => s.textContent?.includes(reading))).toBe(true);
  });

  it('shows the ErrorPayload and recovers on Retry', async () => {
    const orgStatus = vi
      .fn()
      .mockRejectedValueOnce({ code: 'exchange.cmdlet_failed', message: 'Get-FederationTrust failed', detail: 'Access denied' })
      .mockResolvedValueOnce(LAB_ORG);
    render(component, { backend: createFakeBackend(), org: createOrgSource(createFakeBackend({ orgStatus })) });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Get-FederationTrust failed');
    expect(alert).toHaveTextContent('exchange.cmdlet_failed');
    expect(alert).toHaveTextContent('Access denied');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await vi.waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(screen.queryByRole('status')).toBeNull();
    expect(orgStatus).toHaveBeenCalledTimes(2);
  });
});

describe('Before you begin', () => {
  it('lists the prerequisites from the Exchange 2013 topic', () => {
    render(BeforeYouBegin, { backend: createFakeBackend(), org: lab() });
    const needs = screen.getByTestId('requirements');
    for (const text of ['Organization Management', 'Federated Sharing', 'Authoritative', 'InternalRelay', 'TXT', 'login.microsoftonline.com/extSTS.srf']) {
      expect(needs).toHaveTextContent(text);
    }
    expect(screen.getByText('1 hour')).toBeInTheDocument();
  });

  it('marks each accepted domain with its federation eligibility and the reason', async () => {
    render(BeforeYouBegin, { backend: createFakeBackend(), org: lab() });
    await screen.findByTestId('accepted-domains');
    const verdicts = Object.fromEntries(
      screen.getAllByTestId('domain-row').map((row) => [row.children[1]?.textContent, within(row).getByTestId('eligibility').textContent ?? '']),
    );
    expect(verdicts['contoso.test']).toMatch(/^\s*Federated\s*\(Active\)/);
    expect(verdicts['sales.contoso.test']).toMatch(/Federated\s*\(PendingActivation\)/);
    expect(verdicts['relay.contoso.test']).toMatch(/^\s*Eligible/);
    expect(verdicts['*.legacy.contoso.test']).toMatch(/Not eligible.*AcceptedDomainsWithSubdomainsException/s);
    expect(verdicts['northwindtraders.test']).toMatch(/Not eligible.*ExternalRelay.*AcceptedDomainsInvalidTypeException/s);
  });

  it('says so when there are no accepted domains', async () => {
    render(BeforeYouBegin, { backend: createFakeBackend(), org: orgWith({ AcceptedDomains: [] }) });
    expect(await screen.findByText('Get-AcceptedDomain returned no accepted domains.')).toBeInTheDocument();
  });
});

describe('1 Federation trust', () => {
  it('shows the trust, its certificate expiry, the OrgID and domain states', async () => {
    render(FederationTrust, { backend: createFakeBackend(), org: lab(), now: new Date('2030-04-14T09:12:44Z') });
    const state = await screen.findByTestId('trust-state');
    expect(state).toHaveTextContent('Azure AD authentication');
    expect(state).toHaveTextContent('6C1D4E5B2A0F9E8D7C6B5A4F3E2D1C0B9A8F7E6D');
    expect(state).toHaveTextContent('2030-05-14T09:12:44Z (expires in 30 days)');
    expect(state).toHaveTextContent('urn:federation:MicrosoftOnline');
    expect(screen.getByTestId('account-namespace')).toHaveTextContent('FYDIBOHF25SPDLT.contoso.test');
    const domains = screen.getByTestId('federated-domains');
    expect(within(domains).getByText('sales.contoso.test').nextElementSibling).toHaveTextContent('PendingActivation');
    expect(within(domains).getByText('contoso.test').nextElementSibling).toHaveTextContent('Active');
  });

  it('flags an expired certificate', async () => {
    render(FederationTrust, { backend: createFakeBackend(), org: lab(), now: new Date('2030-05-20T00:00:00Z') });
    expect(await screen.findByTestId('trust-state')).toHaveTextContent('expired 5 days ago');
  });

  it('says when there is no trust and no OrgID yet', async () => {
    render(FederationTrust, {
      backend: createFakeBackend(),
      org: orgWith({
        FederationTrust: null,
        OrganizationIdentifier: { Enabled: false, AccountNamespace: null, DelegationTrustLink: null, Domains: [], DefaultDomain: null },
      }),
    });
    expect(await screen.findByTestId('no-trust')).toHaveTextContent('New-FederationTrust');
    expect(screen.getByTestId('account-namespace')).toHaveTextContent('—');
    expect(screen.getByText(/No federated domains/)).toHaveTextContent('Set-FederatedOrganizationIdentifier');
  });
});

describe('2 Organization relationships', () => {
  it('tabulates each relationship with its Exchange properties', async () => {
    render(OrganizationRelationships, { backend: createFakeBackend(), org: lab() });
    const table = await screen.findByTestId('relationships');
    const headers = within(table).getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers).toEqual(['Name', 'DomainNames', 'Enabled', 'FreeBusyAccessLevel', 'TargetApplicationUri', 'TargetAutodiscoverEpr']);
    expect(rowCells(within(table).getAllByRole('row')[1])).toEqual([
      'Fabrikam',
      'fabrikam.test eu.fabrikam.test',
      'True',
      'LimitedDetails',
      'FYDIBOHF25SPDLT.fabrikam.test',
      'https://autodiscover.fabrikam.test/autodiscover/autodiscover.svc/WSSecurity',
    ]);
  });

  it('says when there are none', async () => {
    render(OrganizationRelationships, { backend: createFakeBackend(), org: orgWith({ OrganizationRelationships: [] }) });
    expect(await screen.findByTestId('no-relationships')).toBeInTheDocument();
  });
});

describe('3 Sharing policies', () => {
  it('tabulates each policy with its Domain:Action entries', async () => {
    render(SharingPolicies, { backend: createFakeBackend(), org: lab() });
    const table = await screen.findByTestId('policies');
    expect(rowCells(within(table).getAllByRole('row')[1])).toEqual([
      'Default Sharing Policy',
      '*:CalendarSharingFreeBusySimple Anonymous:CalendarSharingFreeBusyReviewer',
      'True',
      'True',
    ]);
  });

  it('says when there are none', async () => {
    render(SharingPolicies, { backend: createFakeBackend(), org: orgWith({ SharingPolicies: [] }) });
    expect(await screen.findByTestId('no-policies')).toBeInTheDocument();
  });
});

describe('4 Autodiscover DNS', () => {
  it('lists one autodiscover CNAME per federated domain', async () => {
    render(AutodiscoverDns, { backend: createFakeBackend(), org: lab() });
    const table = await screen.findByTestId('autodiscover-records');
    const names = within(table).getAllByRole('row').slice(1).map((r) => r.querySelector('td')?.textContent);
    expect(names).toEqual(['autodiscover.contoso.test', 'autodiscover.sales.contoso.test']);
    expect(table).toHaveTextContent('CNAME');
  });

  it('needs no records before any domain is federated', async () => {
    render(AutodiscoverDns, {
      backend: createFakeBackend(),
      org: orgWith({ OrganizationIdentifier: { ...LAB_ORG.OrganizationIdentifier, Domains: [] } }),
    });
    expect(await screen.findByTestId('no-federated-domains')).toBeInTheDocument();
  });
});
