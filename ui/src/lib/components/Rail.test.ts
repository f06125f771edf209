import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import Rail from './Rail.svelte';

const LABELS = [
  'Before you begin',
  '1 Federation trust',
  '2 Organization relationships',
  '3 Sharing policies',
  '4 Autodiscover DNS',
  'Verify',
  'Map',
  'Report',
  'Connection',
];

describe('Rail', () => {
  it('lists the steps in order with their exact labels and test ids', () => {
    render(Rail, { current: 'before-you-begin', onNavigate: () => {} });
    const buttons = screen.getAllByRole('button');
    expect(buttons.map((b) => b.textContent?.trim())).toEqual(LABELS);
    expect(buttons.map((b) => b.dataset.testid)).toEqual([
      'rail-before-you-begin',
      'rail-federation-trust',
      'rail-organization-relationships',
      'rail-sharing-policies',
      'rail-autodiscover-dns',
      'rail-verify',
      'rail-map',
      'rail-report',
      'rail-connection',
    ]);
  });

  it('marks only the current page with aria-current="page"', () => {
    render(Rail, { current: 'sharing-policies', onNavigate: () => {} });
    expect(screen.getByTestId('rail-sharing-policies')).toHaveAttribute('aria-current', 'page');
    const others = screen.getAllByRole('button').filter((b) => b.dataset.testid !== 'rail-sharing-policies');
    for (const other of others) expect(other).not.toHaveAttribute('aria-current');
  });

  it('navigates on click and with the keyboard', async () => {
    const onNavigate = vi.fn();
    const user = userEvent.setup();
    render(Rail, { current: 'before-you-begin', onNavigate });

    await user.click(screen.getByTestId('rail-map'));
    expect(onNavigate).toHaveBeenLastCalledWith('map');

    screen.getByTestId('rail-before-you-begin').focus();
    await user.keyboard('{ArrowDown}');
    expect(screen.getByTestId('rail-federation-trust')).toHaveFocus();
    await user.keyboard('{End}');
    expect(screen.getByTestId('rail-connection')).toHaveFocus();
    await user.keyboard('{ArrowUp}');
    expect(screen.getByTestId('rail-report')).toHaveFocus();
    await user.keyboard('{Home}{Enter}');
    expect(screen.getByTestId('rail-before-you-begin')).toHaveFocus();
    expect(onNavigate).toHaveBeenLastCalledWith('before-you-begin');
  });
});
