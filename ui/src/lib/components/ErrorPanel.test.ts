import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import ErrorPanel from './ErrorPanel.svelte';

describe('ErrorPanel', () => {
  it('shows code, message and detail of an ErrorPayload as an alert', () => {
    render(ErrorPanel, {
      error: { code: 'exchange.host_exited', message: 'The shell host stopped', detail: 'exit status 3' },
    });
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('The shell host stopped');
    expect(screen.getByTestId('error-code')).toHaveTextContent('exchange.host_exited');
    expect(screen.getByTestId('error-detail')).toHaveTextContent('exit status 3');
  });

  it('omits the detail block when there is none', () => {
    render(ErrorPanel, { error: { code: 'a.b', message: 'm' } });
    expect(screen.queryByTestId('error-detail')).toBeNull();
  });

  it('offers Retry only when it can retry, and calls it', async () => {
    const onRetry = vi.fn();
    const { unmount } = render(ErrorPanel, { error: { code: 'a.b', message: 'm' }, onRetry });
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledTimes(1);
    unmount();

    render(ErrorPanel, { error: { code: 'a.b', message: 'm' } });
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });
});
