import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import App from './App.svelte';
import { createFakeBackend, LAB_ORG } from './lib/backend/fake';

describe('App', () => {
  it('opens on Before you begin with the organization in the header', async () => {
    render(App, { backend: createFakeBackend() });
    expect(screen.getByTestId('page-title')).toHaveTextContent('Before you begin');
    expect(screen.getByTestId('rail-before-you-begin')).toHaveAttribute('aria-current', 'page');
    expect(await screen.findByTestId('org-name')).toHaveTextContent('Contoso Lab');
    expect(screen.getByTestId('lab-badge')).toBeInTheDocument();
  });

  it('switches pages from the rail, moves aria-current and focuses the new heading', async () => {
    const user = userEvent.setup();
    render(App, { backend: createFakeBackend() });
    const steps: [string, string][] = [
      ['rail-federation-trust', '1 Federation trust'],
      ['rail-organization-relationships', '2 Organization relationships'],
      ['rail-sharing-policies', '3 Sharing policies'],
      ['rail-autodiscover-dns', '4 Autodiscover DNS'],
      ['rail-verify', 'Verify'],
      ['rail-map', 'Map'],
      ['rail-report', 'Report'],
      ['rail-before-you-begin', 'Before you begin'],
    ];
    for (const [testId, title] of steps) {
      await user.click(screen.getByTestId(testId));
      const heading = screen.getByTestId('page-title');
      expect(heading).toHaveTextContent(title);
      expect(heading).toHaveFocus();
      expect(screen.getAllByRole('button').filter((b) => b.getAttribute('aria-current') === 'page')).toEqual([
        screen.getByTestId(testId),
      ]);
    }
  });

  it('reads the organization once across pages', async () => {
    const orgStatus = vi.fn(() => Promise.resolve(structuredClone(LAB_ORG)));
    const user = userEvent.setup();
    render(App, { backend: createFakeBackend({ orgStatus }) });
    await screen.findByTestId('accepted-domains');
    await user.click(screen.getByTestId('rail-federation-trust'));
    await screen.findByTestId('trust-state');
    await user.click(screen.getByTestId('rail-sharing-policies'));
    await screen.findByTestId('policies');
    expect(orgStatus).toHaveBeenCalledTimes(1);
  });

  it('opens About from the header and returns focus to the About button on close', async () => {
    const user = userEvent.setup();
    render(App, { backend: createFakeBackend() });
    const about = screen.getByTestId('about-button');
    await user.click(about);
    expect(screen.getByRole('dialog', { name: 'About Fedshare' })).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(about).toHaveFocus();
  });
});
