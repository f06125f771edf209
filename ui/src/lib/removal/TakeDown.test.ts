import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';

import { createFakeBackend } from '../backend/fake';
import type { Progress } from '../bindings/Progress';
import { fakeTakeDownBackend } from './fake-backend';
import TakeDown from './TakeDown.svelte';

function setup() {
  const ran: string[] = [];
  const backend = createFakeBackend(fakeTakeDownBackend(ran));
  render(TakeDown, { backend });
  return { ran, backend };
}

describe('TakeDown', () => {
  it("reviews one partner's removal, runs nothing until confirmed, then runs it", async () => {
    const { ran } = setup();
    const review = screen.getByTestId('take-down-review');
    await screen.findByTestId('take-down-relationship');
    await fireEvent.click(review);
    const steps = await screen.findByTestId('take-down-steps');
    expect(steps.textContent).toContain('Turn off sharing with "Fabrikam"');
    expect(steps.textContent).toContain("Set-OrganizationRelationship -Identity 'Fabrikam' -Enabled $false");
    expect(ran).toEqual([]);
    await fireEvent.click(screen.getByTestId('take-down-confirm'));
    expect((await screen.findByTestId('take-down-done')).textContent).toContain('1 steps applied');
    expect(ran).toEqual(["Set-OrganizationRelationship -Identity 'Fabrikam' -Enabled $false"]);
  });

  it('shows full removal in order and cancelling runs nothing', async () => {
    const { ran } = setup();
    await fireEvent.click(screen.getByTestId('take-down-everything'));
    await fireEvent.click(screen.getByTestId('take-down-force'));
    await fireEvent.click(screen.getByTestId('take-down-review'));
    const items = [...(await screen.findByTestId('take-down-steps')).querySelectorAll(':scope > li')].map((li) => li.textContent ?? '');
    expect(items).toHaveLength(3);
    expect(items[0]).toContain('Remove-OrganizationRelationship');
    expect(items[1]).toContain("Remove-FederatedDomain -DomainName 'contoso.test' -Force");
    expect(items[2]).toContain('Remove-FederationTrust');
    await fireEvent.click(screen.getByTestId('take-down-cancel'));
    expect(screen.queryByTestId('take-down-review')).not.toBeNull();
    expect(screen.queryByTestId('take-down-steps')).toBeNull();
    expect(ran).toEqual([]);
  });

  it("shows Exchange's refusal in words for a removal file, with nothing to confirm", async () => {
    const { ran } = setup();
    await fireEvent.click(screen.getByTestId('take-down-file'));
    await fireEvent.input(screen.getByTestId('take-down-path'), { target: { value: '/tmp/default-policy.toml' } });
    await fireEvent.click(screen.getByTestId('take-down-review'));
    expect((await screen.findByTestId('error-code')).textContent).toBe('plan.refused');
    expect(screen.getByTestId('error-message').textContent).toContain('Exchange does not remove the default policy');
    expect(screen.queryByTestId('take-down-confirm')).toBeNull();
    expect(ran).toEqual([]);
  });

  it('a run that stops part way says the journal resumes it', async () => {
    const backend = createFakeBackend({
      ...fakeTakeDownBackend(),
      removalApply: (_source, _force, onProgress: (p: Progress) => void) => {
        onProgress({ kind: 'step', index: 0, total: 1, id: 'relationship.disable:Fabrikam', title: 'Turn off sharing' });
        return Promise.reject({ code: 'plan.step_failed', message: 'Set-OrganizationRelationship failed: the server is busy' });
      },
    });
    render(TakeDown, { backend });
    await screen.findByTestId('take-down-relationship');
    await fireEvent.click(screen.getByTestId('take-down-review'));
    await fireEvent.click(await screen.findByTestId('take-down-confirm'));
    expect((await screen.findByTestId('take-down-resume')).textContent).toContain('resume');
    expect(screen.getByTestId('error-message').textContent).toContain('the server is busy');
  });
});
