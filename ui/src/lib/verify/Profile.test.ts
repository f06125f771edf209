import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { createFakeBackend, LAB_CONNECTION } from '../backend/fake';
import { createOrgSource } from '../backend/org-source';
import type { Profile } from '../bindings/Profile';
import Header from '../components/Header.svelte';
import Connection from '../pages/Connection.svelte';

const WOODGROVE: Profile = {
  name: 'Woodgrove',
  backend: {
    kind: 'remotePowerShell',
    connectionUri: 'https://mail.woodgrove.test/PowerShell/',
    storedCredential: false,
    authentication: 'Kerberos',
    skipCaCheck: false,
    skipCnCheck: false,
  },
} as Profile;

describe('Use this profile', () => {
  it('switches the session, marks the profile in use, and the header reads the connection again', async () => {
    let active = 'Lab';
    const connection = vi.fn(() =>
      Promise.resolve({
        ...LAB_CONNECTION,
        profile: active,
        organization: active === 'Lab' ? 'Contoso Lab' : 'Woodgrove Bank',
        isLab: active === 'Lab',
      }),
    );
    const useProfile = vi.fn((name: string) => {
      active = name;
      return connection();
    });
    const backend = createFakeBackend({
      connection,
      useProfile,
      activeProfile: () => Promise.resolve(active),
      listProfiles: () => Promise.resolve([{ name: 'Lab', backend: { kind: 'lab' } } as Profile, WOODGROVE]),
    });
    const orgStatus = vi.spyOn(backend, 'orgStatus');
    render(Header, { backend, onAbout: () => {} });
    render(Connection, { backend, org: createOrgSource(backend) });
    expect(await screen.findByTestId('active-profile')).toHaveTextContent('Profile: Lab');
    const labRow = (await screen.findByTestId('use-Lab')).closest('tr') as HTMLElement;
    expect(await within(labRow).findByTestId('active-marker')).toHaveTextContent('(in use)');
    expect(screen.getByTestId('use-Lab')).toBeDisabled();

    await userEvent.click(screen.getByTestId('use-Woodgrove'));
    // A production profile asks first; staying changes nothing.
    expect(await screen.findByTestId('confirm-production')).toHaveTextContent('Woodgrove is a real Exchange organization (production)');
    await userEvent.click(screen.getByTestId('cancel-switch'));
    expect(useProfile).not.toHaveBeenCalled();
    expect(screen.queryByTestId('confirm-production')).toBeNull();
    await userEvent.click(screen.getByTestId('use-Woodgrove'));
    await userEvent.click(await screen.findByTestId('confirm-switch'));
    expect(useProfile).toHaveBeenCalledWith('Woodgrove');
    expect(await screen.findByTestId('test-result')).toHaveTextContent('Woodgrove: connected to Woodgrove Bank');
    await vi.waitFor(() => expect(screen.getByTestId('active-profile')).toHaveTextContent('Profile: Woodgrove'));
    expect(screen.getByTestId('org-name')).toHaveTextContent('Woodgrove Bank');
    expect(screen.getByTestId('production-badge')).toHaveTextContent('PRODUCTION');
    expect(screen.getByTestId('use-Woodgrove')).toBeDisabled();
    expect(orgStatus).toHaveBeenCalled();
  });

  it('starts on the remembered profile and goes back to Lab when it is removed', async () => {
    let active = 'Woodgrove';
    let profiles = [{ name: 'Lab', backend: { kind: 'lab' } } as Profile, WOODGROVE];
    const connection = vi.fn(() =>
      Promise.resolve({ ...LAB_CONNECTION, profile: active, organization: active === 'Lab' ? 'Contoso Lab' : 'Woodgrove Bank' }),
    );
    const backend = createFakeBackend({
      connection,
      activeProfile: () => Promise.resolve(active),
      listProfiles: () => Promise.resolve(profiles),
      // As the shell does: removing the profile in use makes the Lab profile active.
      removeProfile: (name: string) => {
        profiles = profiles.filter((p) => p.name !== name);
        if (name === active) active = 'Lab';
        return Promise.resolve(profiles);
      },
    });
    const orgStatus = vi.spyOn(backend, 'orgStatus');
    render(Header, { backend, onAbout: () => {} });
    render(Connection, { backend, org: createOrgSource(backend) });
    expect(await screen.findByTestId('active-profile')).toHaveTextContent('Profile: Woodgrove');
    const row = (await screen.findByTestId('use-Woodgrove')).closest('tr') as HTMLElement;
    expect(await within(row).findByTestId('active-marker')).toHaveTextContent('(in use)');

    await userEvent.click(screen.getByTestId('remove-Woodgrove'));
    await vi.waitFor(() => expect(screen.getByTestId('active-profile')).toHaveTextContent('Profile: Lab'));
    expect(screen.getByTestId('org-name')).toHaveTextContent('Contoso Lab');
    expect(screen.getByTestId('use-Lab')).toBeDisabled();
    expect(orgStatus).toHaveBeenCalled();
  });

  it('marks a production profile in the header even while its connection fails', async () => {
    const backend = createFakeBackend({
      connection: () => Promise.reject({ code: 'exchange.connect', message: 'Could not reach https://mail.woodgrove.test/PowerShell/' }),
      activeProfile: () => Promise.resolve('Woodgrove'),
      listProfiles: () => Promise.resolve([{ name: 'Lab', backend: { kind: 'lab' } } as Profile, WOODGROVE]),
    });
    render(Header, { backend, onAbout: () => {} });
    expect(await screen.findByTestId('production-badge')).toHaveTextContent('PRODUCTION');
  });

  it('shows why the switched profile could not connect', async () => {
    const backend = createFakeBackend({
      useProfile: () => Promise.reject({ code: 'exchange.connect', message: 'Could not reach https://mail.woodgrove.test/PowerShell/' }),
      listProfiles: () => Promise.resolve([{ name: 'Lab', backend: { kind: 'lab' } } as Profile, WOODGROVE]),
    });
    render(Connection, { backend, org: createOrgSource(backend) });
    await userEvent.click(await screen.findByTestId('use-Woodgrove'));
    await userEvent.click(await screen.findByTestId('confirm-switch'));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not reach');
  });
});
