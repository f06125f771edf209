import { render, screen, fireEvent } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';

import type { Progress } from '../bindings/Progress';
import CertificateLifetime from './CertificateLifetime.svelte';
import { fakeVerifyBackend } from './fake-backend';

describe('CertificateLifetime', () => {
  it('shows days left with the verdict, the advice, and the roll on request', async () => {
    render(CertificateLifetime, { backend: fakeVerifyBackend() });
    const current = await screen.findByTestId('certificate-current');
    expect(current.textContent).toContain('26 days left (urgent)');
    expect(screen.getByTestId('certificate-advice').textContent).toContain('roll it now');
    expect(screen.getByTestId('metadata-refresh').textContent).toContain('Windows Server 2012');
    await fireEvent.click(screen.getByTestId('certificate-roll-preview'));
    const steps = await screen.findByTestId('certificate-roll-steps');
    expect(steps.textContent).toContain('-PublishFederationCertificate');
  });

  it('rolls only after the review is confirmed, with progress and the outcome', async () => {
    const calls: string[] = [];
    const fake = fakeVerifyBackend();
    const backend = {
      ...fake,
      certificateStatus: () => {
        calls.push('status');
        return fake.certificateStatus();
      },
      certificateRoll: (onProgress: (p: Progress) => void) => {
        calls.push('roll');
        return fake.certificateRoll(onProgress);
      },
    };
    render(CertificateLifetime, { backend });
    await fireEvent.click(await screen.findByTestId('certificate-roll-start'));
    const review = await screen.findByTestId('certificate-roll-review');
    expect(review.textContent).toContain("Set-FederationTrust -Identity 'Microsoft Federation Gateway' -PublishFederationCertificate");
    expect(calls).toEqual(['status']);
    await fireEvent.click(screen.getByTestId('certificate-roll-confirm'));
    expect((await screen.findByTestId('certificate-roll-done')).textContent).toContain('1 steps applied');
    // The certificates are read again after the roll: the new one is current.
    await vi.waitFor(() => expect(calls).toEqual(['status', 'roll', 'status']));
  });

  it("an expired certificate shows the engine's refusal and offers nothing to run", async () => {
    const message =
      'the federation certificate A1D8 expired on 2026-11-01: it cannot be rolled, because the Microsoft Federation Gateway authenticates the publish with the current certificate (1007 AccessDenied). Rebuild instead';
    const backend = {
      ...fakeVerifyBackend(),
      certificateRollPreview: () => Promise.reject({ code: 'plan.certificate_expired', message }),
    };
    render(CertificateLifetime, { backend });
    await fireEvent.click(await screen.findByTestId('certificate-roll-start'));
    expect((await screen.findByTestId('error-message')).textContent).toContain('Rebuild instead');
    expect(screen.getByTestId('error-code').textContent).toBe('plan.certificate_expired');
    expect(screen.queryByTestId('certificate-roll-confirm')).toBeNull();
  });
});
