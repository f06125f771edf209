import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { createRawSnippet } from 'svelte';
import { describe, expect, it, vi } from 'vitest';

import { deferred } from '../../test/deferred';
import Async from './Async.svelte';

const showValue = createRawSnippet((value: () => string) => ({
  render: () => `<span data-testid="value">${value()}</span>`,
}));

describe('Async', () => {
  it('shows what is being read until the value arrives', async () => {
    const read = deferred<string>();
    render(Async<string>, { load: () => read.promise, reading: 'Reading Get-FederationTrust…', children: showValue });
    expect(screen.getByRole('status')).toHaveTextContent('Reading Get-FederationTrust…');
    read.resolve('trust');
    expect(await screen.findByTestId('value')).toHaveTextContent('trust');
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('shows the ErrorPayload and retries with a fresh read', async () => {
    const load = vi
      .fn<(fresh: boolean) => Promise<string>>()
      .mockRejectedValueOnce({ code: 'exchange.timeout', message: 'The shell did not answer', detail: 'after 30 s' })
      .mockResolvedValueOnce('second');
    render(Async<string>, { load, reading: 'Reading…', children: showValue });

    expect(await screen.findByRole('alert')).toHaveTextContent('The shell did not answer');
    expect(screen.getByTestId('error-code')).toHaveTextContent('exchange.timeout');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));

    expect(await screen.findByTestId('value')).toHaveTextContent('second');
    expect(load.mock.calls).toEqual([[false], [true]]);
  });
});
