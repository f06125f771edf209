import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { createFakeBackend, LAB_APP_INFO } from '../backend/fake';
import AboutDialog from './AboutDialog.svelte';

const DIAGNOSTICS = 'Fedshare 1.2.3\nOS: Debian 12\nProfile: woodgrove (user admin@woodgrove.test)';

let writeText: ReturnType<typeof vi.fn<(text: string) => Promise<void>>>;

beforeEach(() => {
  writeText = vi.fn<(text: string) => Promise<void>>(() => Promise.resolve());
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
});

afterEach(() => {
  Reflect.deleteProperty(navigator, 'clipboard');
});

function renderDialog(overrides: Parameters<typeof createFakeBackend>[0] = {}) {
  const onClose = vi.fn();
  const backend = createFakeBackend({
    appInfo: () =>
      Promise.resolve({ ...LAB_APP_INFO, version: '1.2.3', os: 'Debian 12', dataDir: '/d', logDir: '/l' }),
    diagnostics: () => Promise.resolve(DIAGNOSTICS),
    ...overrides,
  });
  render(AboutDialog, { backend, onClose });
  return { onClose };
}

describe('AboutDialog', () => {
  it('is a labelled modal dialog showing version, OS and directories', async () => {
    renderDialog();
    const dialog = screen.getByRole('dialog', { name: 'About Fedshare' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(await within(dialog).findByTestId('about-version')).toHaveTextContent('1.2.3');
    expect(dialog).toHaveTextContent('Debian 12');
    expect(dialog).toHaveTextContent('/d');
    expect(dialog).toHaveTextContent('/l');
  });

  it('copies the diagnostics text to the clipboard and says Copied', async () => {
    renderDialog();
    const button = await screen.findByRole('button', { name: 'Copy diagnostics' });
    expect(screen.getByTestId('copy-status')).toHaveTextContent('');
    await userEvent.click(button);
    expect(writeText).toHaveBeenCalledExactlyOnceWith(DIAGNOSTICS);
    expect(screen.getByTestId('copy-status')).toHaveTextContent('Copied');
  });

  it('reports a clipboard refusal instead of claiming success', async () => {
    writeText.mockRejectedValueOnce(new DOMException('Write permission denied.', 'NotAllowedError'));
    renderDialog();
    await userEvent.click(await screen.findByRole('button', { name: 'Copy diagnostics' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Write permission denied.');
    expect(screen.getByTestId('error-code')).toHaveTextContent('ui.browser');
    expect(screen.getByTestId('copy-status')).not.toHaveTextContent('Copied');
  });

  it('shows a diagnostics read failure with Retry and copies nothing', async () => {
    const diagnostics = vi
      .fn()
      .mockRejectedValueOnce({ code: 'app.log_unreadable', message: 'The log file cannot be read', detail: 'EACCES' })
      .mockResolvedValueOnce(DIAGNOSTICS);
    renderDialog({ diagnostics });
    expect(await screen.findByRole('alert')).toHaveTextContent('The log file cannot be read');
    expect(screen.getByTestId('error-detail')).toHaveTextContent('EACCES');
    expect(screen.queryByRole('button', { name: 'Copy diagnostics' })).toBeNull();
    expect(writeText).not.toHaveBeenCalled();

    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Copy diagnostics' }));
    expect(writeText).toHaveBeenCalledExactlyOnceWith(DIAGNOSTICS);
  });

  it('closes with Escape and with the Close button', async () => {
    const { onClose } = renderDialog();
    const user = userEvent.setup();
    expect(screen.getByRole('dialog')).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledTimes(1);
    await user.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalledTimes(2);
  });

  it('keeps Tab focus inside the dialog', async () => {
    renderDialog();
    const user = userEvent.setup();
    await screen.findByRole('button', { name: 'Copy diagnostics' });
    const close = screen.getByRole('button', { name: 'Close' });
    close.focus();
    await user.tab();
    expect(screen.getByRole('button', { name: 'Copy diagnostics' })).toHaveFocus();
    await user.tab({ shift: true });
    expect(close).toHaveFocus();
  });
});
