import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { createFakeBackend } from '../backend/fake';
import type { Backend } from '../backend/types';
import type { GatherProgress } from '../bindings/GatherProgress';
import type { SavedRun } from '../bindings/SavedRun';
import Verify from '../pages/Verify.svelte';
import { deferred } from '../../test/deferred';
import { LAB_RUN } from './fake-backend';

function page(backend: Backend = createFakeBackend(), navigate = vi.fn()) {
  render(Verify, { backend, navigate });
  return navigate;
}

describe('Verify page', () => {
  it('shows n of m and the current read while the checks run', async () => {
    const finish = deferred<SavedRun>();
    let emit: (p: GatherProgress) => void = () => {};
    page(
      createFakeBackend({
        runVerification: (onProgress) => {
          emit = onProgress;
          return finish.promise;
        },
      }),
    );
    await userEvent.click(screen.getByTestId('run-verify'));
    expect(screen.getByTestId('run-verify')).toBeDisabled();
    expect(screen.getByTestId('verify-progress')).toHaveTextContent('Reading the organization');
    emit({ done: 3, total: 14, item: 'Test-FederationTrust', ok: true });
    expect(await screen.findByText(/3 of 14 read/)).toHaveTextContent('3 of 14 read: Test-FederationTrust');
    emit({ done: 4, total: 14, item: 'discover adatum.com', ok: false });
    expect(await screen.findByText(/4 of 14 read/)).toHaveTextContent('(failed; recorded as evidence)');
    finish.resolve(structuredClone(LAB_RUN));
    expect(await screen.findByTestId('verify-summary')).toHaveTextContent('6 passed, 0 failed, 1 warnings, 0 not checked');
    expect(screen.queryByTestId('verify-progress')).toBeNull();
  });

  it('groups results by step with evidence, fix and doc link, and filters them', async () => {
    const navigate = page();
    await userEvent.click(screen.getByTestId('run-verify'));
    const groups = await screen.findAllByTestId('result-group');
    expect(groups.map((g) => g.querySelector('h2')?.textContent)).toEqual([
      'Before you begin',
      '1 Federation trust',
      '2 Organization relationships',
      '3 Sharing policies',
      '4 Autodiscover DNS',
    ]);
    const warning = screen.getAllByTestId('result').find((r) => r.dataset['checkId'] === 'trust.certificate-expiry');
    expect(warning).toBeDefined();
    const w = within(warning as HTMLElement);
    expect(w.getByTestId('result-status')).toHaveTextContent('Warning');
    expect(w.getByTestId('evidence')).toHaveTextContent('Get-FederationTrust.OrgCertificate.NotAfter2026-01-10more than 60 days away');
    expect(w.getByTestId('fix')).toHaveTextContent('Set-FederationTrust');
    expect(w.getByTestId('doc-link')).toHaveTextContent('https://learn.microsoft.com/');
    await userEvent.click(w.getByTestId('fix-in-step'));
    expect(navigate).toHaveBeenCalledWith('federation-trust', 'cert-new');
    // A passing check shows no fix.
    expect(within(screen.getAllByTestId('result')[0] as HTMLElement).queryByTestId('fix')).toBeNull();

    await userEvent.selectOptions(screen.getByTestId('status-filter'), 'warning');
    expect(screen.getAllByTestId('result').map((r) => r.dataset['checkId'])).toEqual(['trust.certificate-expiry']);
    await userEvent.selectOptions(screen.getByTestId('status-filter'), 'all');
    await userEvent.type(screen.getByTestId('text-filter'), 'mail.contoso');
    expect(screen.getAllByTestId('result').map((r) => r.dataset['checkId'])).toEqual(['dns.autodiscover:contoso.test']);
    await userEvent.type(screen.getByTestId('text-filter'), 'nothing-like-this');
    expect(screen.getByTestId('no-results')).toBeInTheDocument();
  });

  it('acknowledges a finding with reason and expiry, keeps its status, and removes it', async () => {
    const acknowledge = vi.fn((_id: string, reason: string, expires: string) => Promise.resolve({ reason, expires, by: 'ann' }));
    const removeAcknowledgement = vi.fn(() => Promise.resolve(true));
    page(createFakeBackend({ acknowledge, removeAcknowledgement }));
    await userEvent.click(screen.getByTestId('run-verify'));
    await userEvent.click(await screen.findByTestId('acknowledge'));
    await userEvent.type(screen.getByTestId('ack-reason'), 'renewal booked for December');
    const expires = screen.getByTestId('ack-expires');
    await userEvent.clear(expires);
    await userEvent.type(expires, '2026-01-05');
    await userEvent.click(screen.getByTestId('ack-save'));
    expect(acknowledge).toHaveBeenCalledWith('trust.certificate-expiry', 'renewal booked for December', '2026-01-05');
    expect(await screen.findByTestId('acknowledged')).toHaveTextContent(
      'Acknowledged until 2026-01-05 by ann: renewal booked for December',
    );
    const item = screen.getByTestId('acknowledged').closest('li') as HTMLElement;
    expect(within(item).getByTestId('result-status')).toHaveTextContent('Warning');
    await userEvent.selectOptions(screen.getByTestId('status-filter'), 'open');
    expect(screen.getByTestId('no-results')).toBeInTheDocument();
    await userEvent.selectOptions(screen.getByTestId('status-filter'), 'all');

    await userEvent.click(screen.getByTestId('remove-ack'));
    expect(removeAcknowledgement).toHaveBeenCalledWith('trust.certificate-expiry');
    await vi.waitFor(() => expect(screen.queryByTestId('acknowledged')).toBeNull());
    expect(screen.getByTestId('acknowledge')).toBeInTheDocument();
  });

  it('shows why an acknowledgement was refused', async () => {
    page();
    await userEvent.click(screen.getByTestId('run-verify'));
    await userEvent.click(await screen.findByTestId('acknowledge'));
    // The fake refuses a blank reason the way the store does (the input's `required` is bypassed).
    screen.getByTestId<HTMLInputElement>('ack-reason').required = false;
    await userEvent.click(screen.getByTestId('ack-save'));
    expect(await screen.findByRole('alert')).toHaveTextContent('an acknowledgement needs a reason');
  });

  it('shows a failed run with Retry', async () => {
    const runVerification = vi
      .fn()
      .mockRejectedValueOnce({ code: 'exchange.host', message: 'The Exchange shell stopped', detail: 'exit 1' })
      .mockResolvedValueOnce(structuredClone(LAB_RUN));
    page(createFakeBackend({ runVerification }));
    await userEvent.click(screen.getByTestId('run-verify'));
    expect(await screen.findByRole('alert')).toHaveTextContent('The Exchange shell stopped');
    await userEvent.click(screen.getByTestId('retry'));
    expect(await screen.findByTestId('verify-summary')).toBeInTheDocument();
  });
});

describe('error explainer', () => {
  it('shows the cause, its fixes, and follows a confirming check to its result', async () => {
    page();
    await userEvent.click(screen.getByTestId('run-verify'));
    await screen.findByTestId('verify-summary');
    await userEvent.selectOptions(screen.getByTestId('status-filter'), 'warning');
    await userEvent.type(screen.getByTestId('explainer-text'), 'Proof of domain ownership has failed.');
    await userEvent.click(screen.getByTestId('explain'));
    expect(await screen.findByTestId('cause')).toHaveTextContent('The domain proof TXT record is missing');
    expect(screen.getByTestId('explanations')).toHaveTextContent('Get-FederatedDomainProof -DomainName <domain>');
    const links = screen.getAllByTestId('confirm-check');
    expect(links.map((l) => l.textContent)).toEqual(['domain.proof:<domain>', 'domain.active:<domain>', 'dns.txt-size:<domain>']);
    await userEvent.click(links[0] as HTMLElement);
    // The filters are cleared so the confirming result is visible, and it is highlighted.
    const highlighted = document.querySelector<HTMLElement>('.result.highlighted');
    expect(highlighted?.dataset['checkId']).toBe('domain.proof:contoso.test');
    expect(screen.getByTestId('status-filter')).toHaveValue('all');
    await userEvent.click(links[2] as HTMLElement);
    expect(screen.getByTestId('confirm-note')).toHaveTextContent('dns.txt-size:<domain> has no result yet');
  });

  it('says so when nothing matches, and explains with Ctrl+Enter', async () => {
    page();
    await userEvent.type(screen.getByTestId('explainer-text'), 'something else entirely{Control>}{Enter}{/Control}');
    expect(await screen.findByTestId('no-explanation')).toHaveTextContent('No known cause matches this text');
  });

  it('asks to run the checks first when there are no results yet', async () => {
    page();
    await userEvent.type(screen.getByTestId('explainer-text'), 'Proof of domain ownership has failed');
    await userEvent.click(screen.getByTestId('explain'));
    await userEvent.click((await screen.findAllByTestId('confirm-check'))[0] as HTMLElement);
    expect(screen.getByTestId('confirm-note')).toHaveTextContent('run the checks first');
  });
});
