import { describe, expect, it } from 'vitest';

import { DNS_MODES, switchMode } from './dns-mode';

describe('DNS publication modes', () => {
  it('names every mode the plan file accepts', () => {
    expect(DNS_MODES.map((m) => m.name)).toEqual(['manual', 'rfc2136', 'windows', 'none']);
  });

  it('keeps a server only while the mode stays the same', () => {
    const rfc = { mode: 'rfc2136', server: '10.0.0.5', key_name: 'fedshare.' };
    expect(switchMode(rfc, 'rfc2136')).toBe(rfc);
    expect(switchMode(rfc, 'windows')).toEqual({ mode: 'windows', zones: [] });
    const windows = { mode: 'windows', server: 'dc01', zones: ['contoso.com'] };
    expect(switchMode(windows, 'windows')).toBe(windows);
    expect(switchMode(windows, 'rfc2136')).toEqual({ mode: 'rfc2136' });
    expect(switchMode(windows, 'none')).toEqual({ mode: 'none' });
  });
});
