import { describe, expect, it } from 'vitest';

import type { VerifiedCheck } from '../bindings/VerifiedCheck';
import { planPartnerDomains } from './discovery';
import { LAB_RUN } from './fake-backend';
import { confirmingChecks, counts, groupResults, isoDatePlus, matches, statusWord } from './logic';

const results = LAB_RUN.results;

describe('grouping and filtering', () => {
  it('groups by step in the documentation order and leaves out empty steps', () => {
    const groups = groupResults(results, { status: 'all', text: '' });
    expect(groups.map((g) => g.group.label)).toEqual([
      'Before you begin',
      '1 Federation trust',
      '2 Organization relationships',
      '3 Sharing policies',
      '4 Autodiscover DNS',
    ]);
    expect(groups[1]?.checks.map((c) => c.check.id)).toEqual([
      'trust.present',
      'domain.proof:contoso.test',
      'trust.certificate-expiry',
    ]);
    const warnings = groupResults(results, { status: 'warning', text: '' });
    expect(warnings.map((g) => g.group.step)).toEqual(['federationTrust']);
  });

  it('searches ids, titles, evidence and fixes, case-insensitively', () => {
    const ids = (text: string) => results.filter((r) => matches(r, { status: 'all', text })).map((r) => r.id);
    expect(ids('MAIL.CONTOSO')).toEqual(['dns.autodiscover:contoso.test']);
    expect(ids('set-federationtrust')).toEqual(['trust.certificate-expiry']);
    expect(ids('Fabrikam')).toEqual(['orgrel.target:Fabrikam']);
  });

  it('open findings leave out acknowledged ones, which keep their status', () => {
    const acked: VerifiedCheck[] = results.map((r) =>
      r.status === 'warning' ? { ...r, acknowledged: { reason: 'renewal booked', expires: '2026-01-01', by: 'ann' } } : r,
    );
    expect(results.filter((r) => matches(r, { status: 'open', text: '' }))).toHaveLength(1);
    expect(acked.filter((r) => matches(r, { status: 'open', text: '' }))).toHaveLength(0);
    expect(acked.filter((r) => matches(r, { status: 'warning', text: '' }))).toHaveLength(1);
    expect(counts(acked)).toEqual({ pass: 6, warning: 1, failure: 0, notChecked: 0 });
  });

  it('calls an informational pass a note, like fedshare verify', () => {
    const base = results[0] as VerifiedCheck;
    expect(statusWord(base)).toBe('Passed');
    expect(statusWord({ ...base, severity: 'info' })).toBe('Note');
    expect(statusWord({ ...base, status: 'failure' })).toBe('Failed');
  });
});

describe('explainer links', () => {
  it('matches a placeholder subject as a prefix and a plain id exactly', () => {
    expect(confirmingChecks('domain.proof:<domain>', results)).toEqual([2]);
    expect(confirmingChecks('trust.present', results)).toEqual([1]);
    expect(confirmingChecks('trust', results)).toEqual([]);
    expect(confirmingChecks('dns.txt-size:<domain>', results)).toEqual([]);
  });
});

describe('helpers', () => {
  it('dates the default expiry in UTC', () => {
    expect(isoDatePlus(30, new Date('2025-12-15T23:30:00Z'))).toBe('2026-01-14');
  });


  it('suggests every partner domain of the plan once', () => {
    const rel = { name: 'A', free_busy_enabled: true, access_level: 'LimitedDetails', enabled: true };
    const plan = {
      relationship: [
        { ...rel, domains: ['fabrikam.com', 'eu.fabrikam.com'] },
        { ...rel, name: 'B', domains: ['fabrikam.com', 'adatum.com'] },
      ],
    };
    expect(planPartnerDomains(plan as never)).toEqual(['fabrikam.com', 'eu.fabrikam.com', 'adatum.com']);
  });
});
