// The plan forms as forms: problems under their fields as you type, stale outcomes cleared,
// the preview planned from unsaved edits, and leaving with unsaved edits asks first.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createFakeBackend } from '../backend/fake';
import { createOrgSource } from '../backend/org-source';
import type { Backend } from '../backend/types';
import type { FieldProblem } from '../bindings/FieldProblem';
import type { PlanDocument } from '../bindings/PlanDocument';
import App from '../../App.svelte';
import AutodiscoverDns from '../pages/AutodiscoverDns.svelte';
import FederationTrust from '../pages/FederationTrust.svelte';
import SharingPolicies from '../pages/SharingPolicies.svelte';
import { LEAVE_QUESTION, mayLeave } from './unsaved';

function page(component: typeof FederationTrust, backend: Backend = createFakeBackend()) {
  const view = render(component, { backend, org: createOrgSource(backend) });
  return { backend, view };
}

/** A stand-in for the engine's rules: every problem of the document at once. */
function rules(doc: PlanDocument): FieldProblem[] {
  const found: FieldProblem[] = [];
  if (doc.trust.name.trim() === '') found.push({ field: 'trust.name', message: 'Give a name of 1 to 64 characters.' });
  doc.domains.additional.forEach((d, i) => {
    if (!d.includes('.')) found.push({ field: `domains.additional[${i}]`, message: 'Give a domain name such as contoso.com.' });
  });
  return found;
}

afterEach(() => vi.restoreAllMocks());

describe('plan forms', () => {
  it('shows every problem under its own field while typing, in words, and saves nothing', async () => {
    const check = vi.fn((doc: PlanDocument) => Promise.resolve(rules(doc)));
    const save = vi.fn((doc: PlanDocument) => Promise.resolve(doc));
    page(FederationTrust, createFakeBackend({ checkPlanDocument: check, savePlanDocument: save }));
    const name = await screen.findByTestId('trust-name');
    await userEvent.clear(name);
    const domains = screen.getByTestId('additional-domains');
    await userEvent.clear(domains);
    await userEvent.type(domains, 'sales');
    domains.blur();

    const errors = await screen.findAllByTestId('field-error');
    expect(errors.map((e) => [e.dataset['field'], e.textContent])).toEqual([
      ['trust.name', 'Give a name of 1 to 64 characters.'],
      ['domains.additional', 'Give a domain name such as contoso.com.'],
    ]);
    // Each message sits right after its own field, not in a box at the end of the form.
    expect(name.nextElementSibling).toBe(errors[0]);
    expect(screen.getByTestId('plan-problems')).toHaveTextContent('2 fields need attention');
    expect(screen.getByTestId('plan-form').textContent).not.toMatch(/\.toml|:\d+:\d+/);

    await userEvent.click(screen.getByTestId('save-plan'));
    expect(save).not.toHaveBeenCalled();

    await userEvent.type(name, 'Contoso trust');
    await waitFor(() => expect(screen.getAllByTestId('field-error')).toHaveLength(1));
  });

  it('clears a stale "Saved." and an old error as soon as the plan is edited', async () => {
    const save = vi.fn((doc: PlanDocument) => Promise.resolve(doc));
    page(FederationTrust, createFakeBackend({ savePlanDocument: save }));
    const name = await screen.findByTestId('trust-name');
    await userEvent.click(screen.getByTestId('save-plan'));
    expect(await screen.findByTestId('plan-saved')).toBeInTheDocument();
    await userEvent.type(name, 'x');
    expect(screen.queryByTestId('plan-saved')).toBeNull();

    save.mockRejectedValueOnce({ code: 'engine.io', message: 'the plan file could not be written' });
    await userEvent.click(screen.getByTestId('save-plan'));
    const form = screen.getByTestId('plan-form');
    expect(await within(form).findByRole('alert')).toHaveTextContent('could not be written');
    await userEvent.type(name, 'y');
    expect(within(form).queryByRole('alert')).toBeNull();
  });

  it('plans the unsaved document for "What Apply will run"', async () => {
    const backend = createFakeBackend();
    const preview = vi.spyOn(backend, 'planPreview');
    page(FederationTrust, backend);
    const name = await screen.findByTestId('trust-name');
    await screen.findByTestId('planned-steps');
    expect(preview).toHaveBeenLastCalledWith(undefined);
    await userEvent.type(name, ' 2');
    await waitFor(() => expect(preview.mock.calls.at(-1)?.[0]?.trust.name).toBe('Azure AD authentication 2'));
    expect(await screen.findByTestId('preview-unsaved')).toHaveTextContent('unsaved changes');
  });

  it('asks before leaving a page with unsaved changes', async () => {
    const { view } = page(FederationTrust);
    const ask = vi.fn(() => false);
    expect(mayLeave(ask)).toBe(true);
    expect(ask).not.toHaveBeenCalled();

    await userEvent.type(await screen.findByTestId('trust-name'), '!');
    expect(mayLeave(ask)).toBe(false);
    expect(ask).toHaveBeenCalledWith(LEAVE_QUESTION);
    expect(mayLeave(() => true)).toBe(true);

    await userEvent.click(screen.getByTestId('save-plan'));
    await screen.findByTestId('plan-saved');
    expect(mayLeave(ask)).toBe(true);
    view.unmount();
  });

  it('offers only the actions New-SharingPolicy accepts for the entry\'s domain', async () => {
    page(SharingPolicies);
    const entry = await screen.findByTestId('policy-entry');
    const offered = () => within(entry).getAllByRole('checkbox').map((c) => c.parentElement?.textContent?.trim());
    await waitFor(() => expect(offered()).toContain('ContactsSharing'));
    expect(offered().some((a) => a?.startsWith('Meeting'))).toBe(false);
    const domain = within(entry).getByLabelText(/Domain/);
    await userEvent.clear(domain);
    await userEvent.type(domain, 'Anonymous');
    // ContactsSharing stays visible while it is set, so it can be cleared.
    expect(offered()).toContain('MeetingLimitedDetails');
  });

  it('names each federated domain whose Autodiscover record the plan leaves out', async () => {
    page(AutodiscoverDns);
    const rows = await screen.findAllByTestId('autodiscover-domain');
    await waitFor(() => expect(rows.find((r) => r.dataset['domain'] === 'sales.contoso.test')).toHaveTextContent('Not in the plan'));
    expect(rows.find((r) => r.dataset['domain'] === 'contoso.test')).toHaveTextContent('mail.contoso.test');
    expect(screen.getByTestId('ad-unplanned')).toHaveTextContent('autodiscover.sales.contoso.test');
    await userEvent.click(screen.getByRole('button', { name: 'Add a record' }));
    const forms = screen.getAllByTestId('autodiscover-form');
    await userEvent.click(within(forms[1] as HTMLElement).getByTestId('ad-not-needed'));
    await userEvent.type(within(forms[1] as HTMLElement).getByTestId('ad-reason'), 'partners discover contoso.test');
    expect(screen.queryByTestId('ad-unplanned')).toBeNull();
  });

  it('keeps the page when the administrator chooses not to lose unsaved edits', async () => {
    const ask = vi.spyOn(window, 'confirm').mockReturnValue(false);
    render(App, { backend: createFakeBackend() });
    await userEvent.click(screen.getByTestId('rail-federation-trust'));
    await userEvent.type(await screen.findByTestId('trust-name'), '!');
    await userEvent.click(screen.getByTestId('rail-verify'));
    expect(ask).toHaveBeenCalledWith(LEAVE_QUESTION);
    expect(screen.getByTestId('page-title')).toHaveTextContent('1 Federation trust');
    expect(screen.getByTestId('trust-name')).toHaveValue('Azure AD authentication!');

    ask.mockReturnValue(true);
    await userEvent.click(screen.getByTestId('rail-verify'));
    expect(screen.getByTestId('page-title')).toHaveTextContent('Verify');
    // The edits went with the page: nothing is left to guard.
    await userEvent.click(screen.getByTestId('rail-map'));
    expect(ask).toHaveBeenCalledTimes(2);
  });
});
