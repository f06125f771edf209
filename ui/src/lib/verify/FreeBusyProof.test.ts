import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { createFakeBackend } from '../backend/fake';
import Verify from '../pages/Verify.svelte';
import FreeBusyProof from './FreeBusyProof.svelte';

async function prove(from: string, to: string) {
  await userEvent.type(await screen.findByTestId('freebusy-from'), from);
  await userEvent.type(screen.getByTestId('freebusy-to'), to);
  await userEvent.click(screen.getByTestId('freebusy-run'));
}

describe('Free/busy proof', () => {
  it('is on the Verify page and shows the busy times that came back', async () => {
    const backend = createFakeBackend();
    const proveFreeBusy = vi.spyOn(backend, 'proveFreeBusy');
    render(Verify, { backend, navigate: () => {} });
    await prove('alexw@contoso.test', 'lidiah@fabrikam.test');
    expect(proveFreeBusy).toHaveBeenCalledWith({ from: 'alexw@contoso.test', to: 'lidiah@fabrikam.test' });
    expect(await screen.findByTestId('freebusy-outcome')).toHaveTextContent('Free/busy came back from lidiah@fabrikam.test');
    expect(screen.getByTestId('freebusy-slots')).toHaveTextContent('2026-12-04T09:00:00');
    expect(await screen.findByTestId('freebusy-kept')).toHaveTextContent('contoso.test → fabrikam.test');
  });

  it("names Exchange's code, where it broke, and the decoded cause of a refusal", async () => {
    render(FreeBusyProof, { backend: createFakeBackend() });
    await prove('alexw@contoso.test', 'someone@tailspin.test');
    expect(await screen.findByTestId('freebusy-code')).toHaveTextContent('ErrorNoFreeBusyAccess / 5037');
    expect(screen.getByTestId('freebusy-outcome')).toHaveTextContent("where it broke: the partner's Exchange");
    expect(screen.getByTestId('freebusy-cause')).toHaveTextContent("The partner's Exchange refused");
  });
});
