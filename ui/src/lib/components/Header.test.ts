import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { createFakeBackend, LAB_CONNECTION } from '../backend/fake';
import Header from './Header.svelte';

describe('Header', () => {
  it('shows the organization, the LAB badge and the host kind for the lab', async () => {
    render(Header, { backend: createFakeBackend(), onAbout: () => {} });
    expect(await screen.findByTestId('org-name')).toHaveTextContent('Contoso Lab');
    expect(screen.getByTestId('lab-badge')).toHaveTextContent('LAB');
    expect(screen.getByTestId('host-kind')).toHaveTextContent('Lab shell · Version 15.0 (Build 1497.2)');
  });

  it('hides the LAB badge for a real organization', async () => {
    const connection = () =>
      Promise.resolve({
        ...LAB_CONNECTION,
        organization: 'Woodgrove Bank',
        isLab: false,
        host: 'Remote PowerShell',
        hostVersion: 'Version 15.0 (Build 1497.48)',
      });
    render(Header, { backend: createFakeBackend({ connection }), onAbout: () => {} });
    expect(await screen.findByTestId('org-name')).toHaveTextContent('Woodgrove Bank');
    expect(screen.queryByTestId('lab-badge')).toBeNull();
    expect(screen.getByTestId('host-kind')).toHaveTextContent('Remote PowerShell');
  });

  it("shows a real organization's Exchange build and relaxed certificate checks", async () => {
    const connection = () =>
      Promise.resolve({
        ...LAB_CONNECTION,
        isLab: false,
        host: 'powershell',
        hostVersion: '5.1.17763.1',
        exchangeVersion: 'Version 15.0 (Build 1497.2)',
        connectionNotes: ["SkipCACheck: the server's certificate authority is not checked"],
      });
    render(Header, { backend: createFakeBackend({ connection }), onAbout: () => {} });
    expect(await screen.findByTestId('exchange-build')).toHaveTextContent('Exchange Version 15.0 (Build 1497.2)');
    expect(screen.getByTestId('relaxed-checks')).toHaveTextContent('certificate checks relaxed');
  });

  it('shows no relaxed-checks badge when every check is on', async () => {
    render(Header, { backend: createFakeBackend(), onAbout: () => {} });
    await screen.findByTestId('org-name');
    expect(screen.queryByTestId('relaxed-checks')).toBeNull();
    expect(screen.queryByTestId('exchange-build')).toBeNull();
  });

  it('shows a connection error with Retry', async () => {
    const connection = vi
      .fn()
      .mockRejectedValueOnce({ code: 'connection.no_profile', message: 'No connection profile is configured' })
      .mockResolvedValueOnce(LAB_CONNECTION);
    render(Header, { backend: createFakeBackend({ connection }), onAbout: () => {} });
    expect(await screen.findByRole('alert')).toHaveTextContent('No connection profile is configured');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('org-name')).toHaveTextContent('Contoso Lab');
  });

  it('opens About', async () => {
    const onAbout = vi.fn();
    render(Header, { backend: createFakeBackend(), onAbout });
    await userEvent.click(screen.getByRole('button', { name: 'About' }));
    expect(onAbout).toHaveBeenCalledTimes(1);
  });
});
