import { describe, expect, it } from 'vitest';

import { describeExpiry } from './certificate';

const NOW = new Date('2025-01-10T12:00:00Z');

describe('describeExpiry', () => {
  it('is ok far from expiry', () => {
    expect(describeExpiry('2026-01-10T12:00:00Z', NOW)).toEqual({ level: 'ok', text: 'expires in 365 days' });
  });

  it('warns inside the renewal window', () => {
    expect(describeExpiry('2025-02-08T12:00:00Z', NOW)).toEqual({ level: 'soon', text: 'expires in 29 days' });
    expect(describeExpiry('2025-01-11T13:00:00Z', NOW)).toEqual({ level: 'soon', text: 'expires in 1 day' });
    expect(describeExpiry('2025-01-10T18:00:00Z', NOW)).toEqual({ level: 'soon', text: 'expires today' });
  });

  it('flags expired certificates', () => {
    expect(describeExpiry('2025-01-10T06:00:00Z', NOW)).toEqual({ level: 'expired', text: 'expired today' });
    expect(describeExpiry('2025-01-08T06:00:00Z', NOW)).toEqual({ level: 'expired', text: 'expired 2 days ago' });
    expect(describeExpiry('2025-01-10T12:00:00Z', NOW).level).toBe('expired');
  });

  it('says so when NotAfter cannot be parsed', () => {
    expect(describeExpiry('not a date', NOW).level).toBe('unknown');
  });
});
