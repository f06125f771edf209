import { describe, expect, it } from 'vitest';

import { emptyForm, fromForm, keychainAdvice, toForm } from './profile-form';

describe('profile form', () => {
  it('builds a remote PowerShell profile and round-trips it', () => {
    const profile = fromForm({
      ...emptyForm(),
      name: 'Contoso EMS',
      connectionUri: 'https://mail.contoso.com/PowerShell/',
      storedCredential: true,
      dnsResolvers: '10.0.0.53\n 8.8.8.8 ,',
      reportFormat: 'pdf',
    });
    expect(profile).toEqual({
      name: 'Contoso EMS',
      backend: { kind: 'remotePowerShell', connectionUri: 'https://mail.contoso.com/PowerShell/', storedCredential: true },
      dnsResolvers: ['10.0.0.53', '8.8.8.8'],
      reportDefaults: { format: 'pdf' },
    });
    if (typeof profile === 'string') throw new Error(profile);
    expect(fromForm(toForm(profile))).toEqual(profile);
  });

  it('says what to correct', () => {
    expect(fromForm({ ...emptyForm(), name: 'a/b' })).toMatch(/^Name/);
    expect(fromForm({ ...emptyForm(), name: 'X', connectionUri: 'mail' })).toMatch(/^Server URL/);
    expect(fromForm({ ...emptyForm(), name: 'X', connectionUri: 'http://mail/PowerShell/' })).toMatch(/https/);
  });

  it('offers session-only use only when the keychain is unavailable or locked', () => {
    expect(keychainAdvice({ backend: 'secretService', available: true, locked: false }).sessionOnly).toBe(false);
    const locked = keychainAdvice({ backend: 'secretService', available: true, locked: true, reason: 'collection locked' });
    expect(locked.sessionOnly).toBe(true);
    expect(locked.message).toContain('locked');
    const none = keychainAdvice({ backend: null, available: false, locked: false, reason: 'no D-Bus session' });
    expect(none.sessionOnly).toBe(true);
    expect(none.message).toContain('no D-Bus session');
  });
});
