import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import App from '../../App.svelte';
import { createFakeBackend } from '../backend/fake';
import { LAB_RUN } from './fake-backend';
import { fixTarget } from './logic';

describe('Verify that stays', () => {
  it('keeps the results across navigation, failures first and passes folded', async () => {
    // One failure, in the last step's group.
    const run = structuredClone(LAB_RUN);
    const autodiscover = run.results.find((r) => r.id === 'dns.autodiscover:contoso.test');
    if (autodiscover) autodiscover.status = 'failure';
    render(App, { backend: createFakeBackend({ runVerification: () => Promise.resolve(structuredClone(run)) }) });
    await userEvent.click(screen.getByTestId('rail-verify'));
    await userEvent.click(await screen.findByTestId('run-verify'));
    expect(await screen.findByTestId('verify-summary')).toHaveTextContent('Contoso Lab at 2025-11-26T10:00:00Z');

    await userEvent.click(screen.getByTestId('rail-map'));
    await userEvent.click(screen.getByTestId('rail-verify'));
    expect(await screen.findByTestId('verify-summary')).toHaveTextContent('Contoso Lab at 2025-11-26T10:00:00Z');
    expect(screen.getByTestId('verify-kept')).toBeInTheDocument();
    const groups = screen.getAllByTestId('result-group');
    // Groups with a failure lead; inside a group the passes are folded away.
    expect(groups[0]?.dataset['step']).toBe('autodiscoverDns');
    expect(within(groups[0] as HTMLElement).getAllByTestId('result')[0]).toHaveAttribute('data-status', 'failure');
    const trust = groups.find((g) => g.dataset['step'] === 'federationTrust') as HTMLElement;
    const shown = within(trust).getAllByTestId('result').filter((r) => r.closest('details') === null);
    expect(shown.map((r) => r.dataset['status'])).not.toContain('pass');
    const folded = within(trust).getByTestId('passed-checks');
    expect(folded).not.toHaveAttribute('open');
    expect(within(folded).getAllByTestId('result').every((r) => r.dataset['status'] === 'pass')).toBe(true);
  });

  it('shows the kept verification after a restart, read from the backend', async () => {
    const backend = createFakeBackend({ lastVerification: () => Promise.resolve(structuredClone(LAB_RUN)) });
    render(App, { backend });
    await userEvent.click(screen.getByTestId('rail-verify'));
    expect(await screen.findByTestId('verify-summary')).toHaveTextContent('Contoso Lab at 2025-11-26T10:00:00Z');
    expect(screen.getByTestId('run-verify')).toHaveTextContent('Run again');
  });

  it('"Fix in …" opens the exact field or part that fixes the finding', async () => {
    render(App, { backend: createFakeBackend({ lastVerification: () => Promise.resolve(structuredClone(LAB_RUN)) }) });
    await userEvent.click(screen.getByTestId('rail-verify'));
    const policy = (await screen.findAllByTestId('result')).find((r) => r.dataset['checkId'] === 'policy.contradiction') as HTMLElement;
    await userEvent.click(within(policy).getByTestId('fix-in-step'));
    expect(screen.getByTestId('page-title')).toHaveTextContent('3 Sharing policies');
    const form = await screen.findByTestId('policy-form');
    await expect.poll(() => form.classList.contains('fix-target')).toBe(true);
    expect(form.contains(document.activeElement)).toBe(true);
  });

  it('maps check ids to the field that fixes them', () => {
    expect(fixTarget({ id: 'domain.proof:contoso.com', step: 'federationTrust' })).toMatchObject({ slug: 'federation-trust', focus: 'live-records' });
    expect(fixTarget({ id: 'orgid.enabled', step: 'federationTrust' })).toMatchObject({ focus: 'primary-domain' });
    expect(fixTarget({ id: 'relationship.target-mismatch', step: 'organizationRelationships' })).toMatchObject({
      slug: 'organization-relationships',
      focus: 'relationship-form',
    });
    expect(fixTarget({ id: 'plan.sharing-policies', step: 'sharingPolicies' })).toMatchObject({ slug: 'sharing-policies', focus: 'apply' });
    expect(fixTarget({ id: 'clock.skew', step: 'prerequisites' })).toEqual({
      slug: 'before-you-begin',
      focus: 'requirements',
      label: 'See the requirement in Before you begin',
    });
  });
});
