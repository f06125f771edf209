import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { createFakeBackend } from '../backend/fake';
import type { CredentialRequest } from '../backend/types';
import Connection from '../pages/Connection.svelte';

async function addProfile(user: ReturnType<typeof userEvent.setup>, name: string) {
  await user.click(await screen.findByTestId('add-profile'));
  await user.type(screen.getByTestId('profile-name'), name);
  await user.clear(screen.getByTestId('profile-uri'));
  await user.type(screen.getByTestId('profile-uri'), 'https://mail.contoso.com/PowerShell/');
  await user.click(screen.getByTestId('profile-save'));
}

describe('Connection page', () => {
  it('lists the Lab profile, which cannot be edited or removed, and tests it', async () => {
    const user = userEvent.setup();
    render(Connection, { backend: createFakeBackend() });
    const rows = await screen.findAllByTestId('profile-row');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveTextContent('Lab');
    expect(screen.queryByTestId('remove-Lab')).toBeNull();
    await user.click(screen.getByTestId('test-Lab'));
    expect(await screen.findByTestId('test-result')).toHaveTextContent('connected to Contoso Lab');
  });

  it('adds, validates and removes a profile', async () => {
    const user = userEvent.setup();
    render(Connection, { backend: createFakeBackend() });
    await user.click(await screen.findByTestId('add-profile'));
    await user.type(screen.getByTestId('profile-name'), 'bad/name');
    await user.click(screen.getByTestId('profile-save'));
    expect(screen.getByTestId('form-error')).toHaveTextContent('Name');
    await user.click(screen.getByText('Cancel'));
    await addProfile(user, 'Contoso EMS');
    const rows = screen.getAllByTestId('profile-row');
    expect(rows.map((r) => r.querySelector('td')?.textContent)).toEqual(['Lab(in use)', 'Contoso EMS']);
    expect(rows[1]).toHaveTextContent('https://mail.contoso.com/PowerShell/ · Kerberos · current Windows identity');
    await user.click(screen.getByTestId('remove-Contoso EMS'));
    expect(screen.getAllByTestId('profile-row')).toHaveLength(1);
  });

  it('offers the authentications, shows relaxed certificate checks, and warns about a load-balanced name', async () => {
    const user = userEvent.setup();
    render(Connection, { backend: createFakeBackend() });
    await user.click(await screen.findByTestId('add-profile'));
    await user.type(screen.getByTestId('profile-name'), 'Contoso');
    await user.clear(screen.getByTestId('profile-uri'));
    await user.type(screen.getByTestId('profile-uri'), 'http://mail.contoso.com/PowerShell/');
    expect(screen.getByTestId('profile-warnings')).toHaveTextContent('alternate service account');
    await user.selectOptions(screen.getByTestId('profile-auth'), 'Basic');
    await user.click(screen.getByTestId('profile-stored'));
    await user.click(screen.getByTestId('profile-save'));
    expect(screen.getByTestId('form-error')).toHaveTextContent('Basic over http://');
    await user.clear(screen.getByTestId('profile-uri'));
    await user.type(screen.getByTestId('profile-uri'), 'https://mail.contoso.com/PowerShell/');
    await user.click(screen.getByTestId('profile-skip-ca'));
    expect(screen.getByTestId('profile-warnings')).toHaveTextContent('SkipCACheck');
    await user.click(screen.getByTestId('profile-save'));
    const rows = screen.getAllByTestId('profile-row');
    expect(rows[1]).toHaveTextContent(
      'https://mail.contoso.com/PowerShell/ · Basic · stored credential · certificate checks relaxed: SkipCACheck',
    );
  });

  it('sends the secret once, clears the field, and offers session-only use when the keychain is locked', async () => {
    const setCredential = vi.fn((r: CredentialRequest) =>
      Promise.resolve({ profile: r.profile, purpose: r.purpose, userName: r.user, store: { kind: 'session' as const } }),
    );
    const keychainStatus = () =>
      Promise.resolve({ backend: 'secretService' as const, available: true, locked: true, reason: 'the login keyring is locked' });
    const user = userEvent.setup();
    render(Connection, { backend: createFakeBackend({ setCredential, keychainStatus }) });
    await addProfile(user, 'Contoso EMS');
    await user.click(screen.getByTestId('credentials-Contoso EMS'));
    const panel = screen.getByTestId('credentials');
    expect(within(panel).getByTestId('keychain-status')).toHaveTextContent('locked');
    await user.click(within(panel).getByTestId('session-only'));
    await user.type(within(panel).getByTestId('cred-user'), 'CONTOSO\\admin');
    await user.type(within(panel).getByTestId('cred-secret'), 'S3cret!');
    await user.click(within(panel).getByTestId('cred-save'));
    expect(setCredential).toHaveBeenCalledWith({
      profile: 'Contoso EMS',
      purpose: 'exchange',
      user: 'CONTOSO\\admin',
      secret: 'S3cret!',
      sessionOnly: true,
    });
    expect(within(panel).getByTestId('cred-secret')).toHaveValue('');
    expect(await within(panel).findByTestId('cred-message')).toHaveTextContent('for this session only');
    expect(document.body.textContent).not.toContain('S3cret!');
  });
});
