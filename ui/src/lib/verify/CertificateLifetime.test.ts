import { render, screen, fireEvent } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';

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
});
