import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import App from '../../App.svelte';
import { createFakeBackend } from '../backend/fake';
import type { Backend } from '../backend/types';
import { fakeWizardBackend } from '../wizard/fake-backend';
import { AppRun } from './app-run.svelte';

/** The fake lab whose DNS never propagates: an apply waits at its first DNS wait until Cancel. */
function slowDns(overrides: Partial<Backend> = {}): Backend {
  return createFakeBackend({ ...fakeWizardBackend(0, { holdDnsWaits: true }), ...overrides });
}

describe('the app run state', () => {
  it('refuses a second apply in words while this window holds the run, and a cancel resumes later', async () => {
    const backend = slowDns();
    const run = new AppRun(backend);
    const first = run.apply();
    await vi.waitFor(() => expect(run.view.wait?.record).toBe('sales.contoso.test IN TXT "Yt8B6vWbYjE2Q0xxNmZ3cW1xQkRzR2Z4Z2l5bXh0Rk9ERkl4b2c9"'));
    expect(run.running).toBe(true);
    await expect(run.apply()).rejects.toMatchObject({
      code: 'engine.run_in_progress',
      message: expect.stringMatching(/^An apply is already running in this window: see the progress in the header/),
    });
    await run.cancel();
    await first;
    expect(run.outcome).toBe('cancelled');
    expect(run.error?.code).toBe('plan.cancelled');
    // The backend's run state (what a reloaded window reads) agrees.
    expect(await backend.runStatus()).toMatchObject({ kind: 'apply', outcome: 'cancelled', cancelRequested: true });
    // Nothing of the cancelled step ran: it is planned again, first.
    expect((await backend.planPreview()).steps[0]?.id).toBe('dns.proof:sales.contoso.test');
  });

  it('takes in a run the backend already holds (a reloaded window) with its whole log', async () => {
    const backend = slowDns();
    const earlier = new AppRun(backend);
    void earlier.apply();
    await vi.waitFor(() => expect(earlier.view.wait).not.toBeNull());
    const reloaded = new AppRun(backend);
    await reloaded.sync();
    expect(reloaded.running).toBe(true);
    expect(reloaded.view.step?.id).toBe('dns.proof:sales.contoso.test');
    expect(reloaded.log.length).toBe(earlier.log.length);
    await reloaded.cancel();
    await vi.waitFor(() => expect(earlier.outcome).toBe('cancelled'));
  });
});

describe('review before change', () => {
  it('Apply shows every change, before and after, and runs nothing until confirmed', async () => {
    const applyPlan = vi.fn(createFakeBackend().applyPlan);
    render(App, { backend: createFakeBackend({ applyPlan }) });
    await userEvent.click(screen.getByTestId('rail-sharing-policies'));
    await userEvent.click(await screen.findByTestId('apply'));
    const review = await screen.findByTestId('apply-review');
    expect(within(review).getByTestId('review-summary')).toHaveTextContent('Apply will make 6 changes to Contoso Lab');
    const steps = within(review).getAllByTestId('review-step');
    expect(steps.map((s) => s.dataset['stepId'])).toContain('policy:Fabrikam');
    const policy = steps.find((s) => s.dataset['stepId'] === 'policy:Fabrikam') as HTMLElement;
    expect(within(policy).getByTestId('review-before')).toHaveTextContent('Name: Fabrikam');
    const created = steps.find((s) => s.dataset['stepId'] === 'relationship:Adatum') as HTMLElement;
    expect(within(created).getByTestId('review-before')).toHaveTextContent('Not there yet: this step creates it.');
    expect(within(created).getByTestId('review-command')).toHaveTextContent("New-OrganizationRelationship -Name 'Adatum'");
    await userEvent.click(within(review).getByTestId('review-cancel'));
    expect(screen.queryByTestId('apply-review')).toBeNull();
    expect(applyPlan).not.toHaveBeenCalled();

    await userEvent.click(screen.getByTestId('apply'));
    await userEvent.click(await screen.findByTestId('review-confirm'));
    expect(applyPlan).toHaveBeenCalledTimes(1);
    expect(await screen.findByTestId('run-result')).toHaveTextContent('Applied 6 steps');
  });

  it('Undo offers all or back to a chosen step, with the script and the MaxUriReached warning', async () => {
    const backend = createFakeBackend();
    await backend.applyPlan(() => {});
    const undoChanges = vi.fn(backend.undoChanges);
    render(App, { backend: { ...backend, undoChanges } });
    await userEvent.click(screen.getByTestId('rail-federation-trust'));
    await userEvent.click(await screen.findByTestId('undo'));
    const review = await screen.findByTestId('undo-review');
    const steps = await within(review).findAllByTestId('undo-step');
    expect(steps[0]?.dataset['stepId']).toBe('dns.autodiscover:contoso.test');
    expect(within(review).getByTestId('undo-script')).toHaveTextContent('# Undo:');
    expect(within(review).getByTestId('review-confirm')).toHaveTextContent('Undo 6 steps');
    expect(within(review).getByTestId('undo-domains-warning')).toHaveTextContent('MaxUriReached');
    // Back to the relationship: the newest three steps, no domain among them.
    const third = steps[2] as HTMLElement;
    await userEvent.click(within(third).getByTestId('undo-back-to'));
    expect(within(review).getByTestId('review-confirm')).toHaveTextContent('Undo 3 steps');
    expect(within(review).queryByTestId('undo-domains-warning')).toBeNull();
    expect(undoChanges).not.toHaveBeenCalled();
    await userEvent.click(within(review).getByTestId('review-confirm'));
    expect(undoChanges).toHaveBeenCalledWith(expect.any(Function), { backTo: third.dataset['stepId'], forceDomains: false });
    expect(await screen.findByTestId('run-result')).toHaveTextContent('Undid 3 steps');
  });

  it('Undo with federated domains offers -Force for an unreachable gateway', async () => {
    const backend = createFakeBackend();
    await backend.applyPlan(() => {});
    const undoChanges = vi.fn(backend.undoChanges);
    render(App, { backend: { ...backend, undoChanges } });
    await userEvent.click(screen.getByTestId('rail-federation-trust'));
    await userEvent.click(await screen.findByTestId('undo'));
    await userEvent.click(await screen.findByTestId('undo-force-domains'));
    await userEvent.click(screen.getByTestId('review-confirm'));
    expect(undoChanges).toHaveBeenCalledWith(expect.any(Function), { backTo: null, forceDomains: true });
  });
});

describe('a run that belongs to the app', () => {
  it('shows its progress in the header on every page, and Cancel stops the DNS wait cleanly', async () => {
    render(App, { backend: slowDns() });
    await userEvent.click(screen.getByTestId('rail-federation-trust'));
    await userEvent.click(await screen.findByTestId('apply'));
    await userEvent.click(await screen.findByTestId('review-confirm'));
    await vi.waitFor(() =>
      expect(screen.getByTestId('run-indicator-text')).toHaveTextContent(/Apply: step 1 of 6 · waiting for DNS \((30:00|29:59) left\)/),
    );

    await userEvent.click(screen.getByTestId('rail-verify'));
    expect(screen.getByTestId('run-indicator-text')).toHaveTextContent('Apply: step 1 of 6');
    await userEvent.click(screen.getByTestId('run-log-toggle'));
    expect(screen.getByTestId('run-log')).toHaveTextContent('Waiting for DNS: sales.contoso.test IN TXT');

    await userEvent.click(screen.getByTestId('rail-federation-trust'));
    expect(await screen.findByTestId('run-step')).toHaveTextContent('Step 1 of 6: Publish the domain proof TXT record for sales.contoso.test');
    expect(screen.getByTestId('apply')).toBeDisabled();
    expect(screen.getByTestId('run-wait')).toBeInTheDocument();

    await userEvent.click(screen.getByTestId('run-cancel'));
    expect(await screen.findByTestId('run-cancelled')).toHaveTextContent('Cancelled at step 1 of 6');
    expect(screen.getByTestId('run-cancelled')).toHaveTextContent('Apply again resumes from there');
    expect(screen.getByTestId('run-indicator-text')).toHaveTextContent('Apply cancelled at step 1 of 6: Apply again resumes');
    expect(screen.getByTestId('apply')).toBeEnabled();
  });
});

describe('an undo Exchange refuses for an unreachable gateway', () => {
  it('offers the undo again with -Force preset, still through the review', async () => {
    const backend = createFakeBackend();
    await backend.applyPlan(() => {});
    const undoChanges = vi
      .fn<Backend['undoChanges']>()
      .mockRejectedValueOnce({
        code: 'plan.domain_removal_failed',
        message: 'step domain.add:sales.contoso.test failed: Remove-FederatedDomain -DomainName sales.contoso.test: FederatedDomainRemovalException: the gateway cannot be reached. If Exchange could not reach the Microsoft Federation Gateway, run the undo again with -Force',
      })
      .mockImplementation(backend.undoChanges);
    render(App, { backend: { ...backend, undoChanges } });
    await userEvent.click(screen.getByTestId('rail-federation-trust'));
    await userEvent.click(await screen.findByTestId('undo'));
    await userEvent.click(await screen.findByTestId('review-confirm'));
    await userEvent.click(await screen.findByTestId('undo-force-again'));
    expect(await screen.findByTestId('undo-force-domains')).toBeChecked();
    await userEvent.click(screen.getByTestId('review-confirm'));
    expect(undoChanges).toHaveBeenLastCalledWith(expect.any(Function), { backTo: null, forceDomains: true });
    expect(await screen.findByTestId('run-result')).toHaveTextContent('Undid 6 steps');
  });
});
