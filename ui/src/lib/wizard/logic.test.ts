import { describe, expect, it } from 'vitest';

import { SHARING_ACTIONS } from './fake-backend';
import { optional, parseEntry, renderEntry, setEntryDomain, splitList, toggleAction } from './form';
import { describeApply, describeUndo } from './outcome';
import { clock, IDLE, reduce } from './progress';
import { kindOfStepId } from './steps';

describe('progress', () => {
  it('folds the applier events into step n of m, the current line and the DNS wait', () => {
    let v = reduce(IDLE, { kind: 'step', index: 2, total: 7, id: 'trust.create', title: 'Create the federation trust' });
    v = reduce(v, { kind: 'invoking', index: 2, total: 7, cmdlet: 'New-FederationTrust', line: "New-FederationTrust -Name 'T'" });
    expect(v.step?.index).toBe(2);
    expect(v.line).toBe("New-FederationTrust -Name 'T'");
    v = reduce(v, { kind: 'waitingForDns', index: 2, total: 7, record: 'contoso.com IN TXT "p"', attempt: 3, remaining_seconds: 95 });
    expect(v.wait).toEqual({ record: 'contoso.com IN TXT "p"', attempt: 3, remainingSeconds: 95 });
    v = reduce(v, { kind: 'stepDone', index: 2, total: 7, id: 'trust.create' });
    expect(v.done).toEqual(['trust.create']);
    expect(v.wait).toBeNull();
    v = reduce(v, { kind: 'stepFailed', index: 3, total: 7, id: 'orgid.set', error: 'boom' });
    expect(v.failed).toEqual({ id: 'orgid.set', error: 'boom' });
  });

  it('shows a countdown as minutes and seconds, never negative', () => {
    expect(clock(1800)).toBe('30:00');
    expect(clock(65.9)).toBe('1:05');
    expect(clock(-3)).toBe('0:00');
  });
});

describe('step ids', () => {
  it('map to the page that owns them', () => {
    expect(kindOfStepId('trust.certificate')).toBe('federationTrust');
    expect(kindOfStepId('dns.proof:contoso.com')).toBe('federationTrust');
    expect(kindOfStepId('orgid.set')).toBe('federationTrust');
    expect(kindOfStepId('domain.add:sales.contoso.com')).toBe('federationTrust');
    expect(kindOfStepId('relationship:Fabrikam')).toBe('organizationRelationships');
    expect(kindOfStepId('policy.assign:Fabrikam')).toBe('sharingPolicies');
    expect(kindOfStepId('dns.autodiscover:contoso.com')).toBe('autodiscoverDns');
  });

  it('name what ran on this page in the result', () => {
    const titles = { 'trust.create': 'Create the federation trust', 'policy:P': 'Create the sharing policy "P"' };
    expect(describeApply({ applied: ['trust.create', 'policy:P'], remaining: 0 }, 'federationTrust', titles)).toBe(
      'Applied 2 steps, each verified by reading it back (on this page: Create the federation trust).',
    );
    expect(describeApply({ applied: ['policy:P'], remaining: 2 }, 'autodiscoverDns', titles)).toMatch(/none of them on this page\)\. 2 steps left/);
    expect(describeApply({ applied: [], remaining: 0 }, 'federationTrust', titles)).toMatch(/^Nothing to do/);
    expect(describeUndo({ undone: [], kept: [] }, 'federationTrust', titles)).toMatch(/^Nothing to undo/);
    expect(describeUndo({ undone: ['policy:P'], kept: [] }, 'sharingPolicies', titles)).toContain('on this page: Create the sharing policy "P"');
    expect(
      describeUndo({ undone: ['trust.certificate'], kept: ['Create a certificate: the certificate stays.'] }, 'federationTrust', titles),
    ).toMatch(/Kept: Create a certificate: the certificate stays\.$/);
  });
});

describe('plan form helpers', () => {
  it('split lists on lines and commas and treat empty optional keys as absent', () => {
    expect(splitList(' a.com,\nb.com\n\n , c.com ')).toEqual(['a.com', 'b.com', 'c.com']);
    expect(optional('  ')).toBeUndefined();
    expect(optional(' Sales ')).toBe('Sales');
  });

  it('edit sharing entries like Exchange parses them', () => {
    expect(parseEntry('fabrikam.com: CalendarSharingFreeBusyDetail, ContactsSharing')).toEqual({
      domain: 'fabrikam.com',
      actions: ['CalendarSharingFreeBusyDetail', 'ContactsSharing'],
    });
    expect(parseEntry('fabrikam.com')).toEqual({ domain: 'fabrikam.com', actions: [] });
    const on = toggleAction('fabrikam.com: ContactsSharing', 'CalendarSharingFreeBusySimple', true, SHARING_ACTIONS);
    expect(on).toBe('fabrikam.com: CalendarSharingFreeBusySimple, ContactsSharing');
    expect(toggleAction(on, 'contactssharing', false, SHARING_ACTIONS)).toBe('fabrikam.com: CalendarSharingFreeBusySimple');
    expect(setEntryDomain(on, ' * ', SHARING_ACTIONS)).toBe('*: CalendarSharingFreeBusySimple, ContactsSharing');
    // An action Fedshare does not know stays, so the plan file's validation can name it.
    expect(renderEntry({ domain: 'x.com', actions: ['Everything', 'ContactsSharing'] }, SHARING_ACTIONS)).toBe('x.com: ContactsSharing, Everything');
  });
});
