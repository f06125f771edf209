import { describe, expect, it } from 'vitest';

import { connectionWarnings, emptyForm, fromForm, keychainAdvice, toForm } from './profile-form';

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
      backend: {
        kind: 'remotePowerShell',
        connectionUri: 'https://mail.contoso.com/PowerShell/',
        storedCredential: true,
        authentication: 'Kerberos',
        skipCaCheck: false,
        skipCnCheck: false,
      },
      dnsResolvers: ['10.0.0.53', '8.8.8.8'],
      reportDefaults: { format: 'pdf' },
    });
    if (typeof profile === 'string') throw new Error(profile);
    expect(fromForm(toForm(profile))).toEqual(profile);
  });

  it('says what to correct', () => {
    expect(fromForm({ ...emptyForm(), name: 'a/b' })).toMatch(/^Name/);
    expect(fromForm({ ...emptyForm(), name: 'X', connectionUri: 'mail' })).toMatch(/^Server URL/);
    expect(fromForm({ ...emptyForm(), name: 'X', connectionUri: 'ftp://ex01/PowerShell/' })).toMatch(/^Server URL: use http/);
    const basicOverHttp = { ...emptyForm(), name: 'X', storedCredential: true, authentication: 'Basic' as const };
    expect(fromForm({ ...basicOverHttp, connectionUri: 'http://ex01.contoso.com/PowerShell/' })).toMatch(
      /^Authentication: Basic over http:\/\/.*https:\/\/ex01\.contoso\.com\/PowerShell\//,
    );
    expect(
      fromForm({ ...basicOverHttp, storedCredential: false, connectionUri: 'https://ex01.contoso.com/PowerShell/' }),
    ).toMatch(/Stored credential/);
    expect(
      fromForm({ ...emptyForm(), name: 'X', connectionUri: 'http://ex01.contoso.com/PowerShell/', skipCaCheck: true }),
    ).toMatch(/^Certificate checks/);
  });

  it("accepts Microsoft's documented http form with Kerberos and Basic over https", () => {
    const documented = fromForm({ ...emptyForm(), name: 'X', connectionUri: 'http://ex01.contoso.com/PowerShell/' });
    expect(documented).toMatchObject({ backend: { connectionUri: 'http://ex01.contoso.com/PowerShell/', authentication: 'Kerberos' } });
    const basic = fromForm({
      ...emptyForm(),
      name: 'X',
      connectionUri: 'https://ex01.contoso.com/PowerShell/',
      authentication: 'Basic',
      storedCredential: true,
      skipCaCheck: true,
    });
    expect(basic).toMatchObject({ backend: { authentication: 'Basic', skipCaCheck: true, skipCnCheck: false } });
  });

  it('warns when the name is not a server FQDN and when certificate checks are relaxed', () => {
    const at = (connectionUri: string, extra = {}) => connectionWarnings({ ...emptyForm(), connectionUri, ...extra });
    expect(at('http://ex01.contoso.com/PowerShell/')).toEqual([]);
    expect(at('http://ex01/PowerShell/')[0]).toMatch(/single-label/);
    expect(at('https://mail.contoso.com/PowerShell/')[0]).toMatch(/alternate service account/);
    expect(at('https://webmail.contoso.com/PowerShell/')[0]).toMatch(/ex01\.contoso\.com/);
    expect(at('https://192.0.2.1/PowerShell/')[0]).toMatch(/address/);
    // Basic does not depend on the server's name.
    expect(at('https://mail.contoso.com/PowerShell/', { authentication: 'Basic', storedCredential: true })).toEqual([]);
    expect(at('https://ex01.contoso.com/PowerShell/', { skipCaCheck: true, skipCnCheck: true })).toEqual([
      "SkipCACheck: the server's certificate authority will not be checked.",
      'SkipCNCheck: the certificate will not have to name the server.',
    ]);
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
