import { fireEvent, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { createFakeBackend } from '../backend/fake';
import { createOrgSource } from '../backend/org-source';
import Map from '../pages/Map.svelte';

function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('missing');
  return value;
}

function setup(overrides = {}) {
  const backend = createFakeBackend(overrides);
  const navigate = vi.fn();
  render(Map, { backend, org: createOrgSource(backend), navigate });
  return { navigate, user: userEvent.setup() };
}

describe('Map page', () => {
  it('shows the engine map and opens a partner’s details with the step that fixes it', async () => {
    const { navigate, user } = setup();
    const stage = await screen.findByTestId('map-stage');
    const partner = must(stage.querySelector('[data-id="partner:fabrikam"] rect'));
    expect(stage.querySelector('style')).toBeNull();
    await user.click(partner);
    const details = screen.getByTestId('map-details');
    expect(within(details).getByTestId('map-details-title')).toHaveTextContent('Fabrikam');
    expect(details).toHaveTextContent('eu.fabrikam.test');
    expect(within(details).getByTestId('map-details-status')).toHaveTextContent('Warning');
    expect(stage.querySelector('[data-id="partner:fabrikam"]')).toHaveClass('selected');
    await user.click(within(details).getByTestId('map-details-fix'));
    expect(navigate).toHaveBeenCalledWith('organization-relationships');
    await user.click(within(details).getByTestId('map-details-close'));
    expect(screen.queryByTestId('map-details')).toBeNull();
  });

  it('selects the pressed node when the release is reported on the capturing stage', async () => {
    setup();
    const stage = await screen.findByTestId('map-stage');
    const trust = must(stage.querySelector('[data-id="trust"] rect'));
    await fireEvent.pointerDown(trust, { button: 0, clientX: 5, clientY: 5 });
    await fireEvent.pointerUp(stage, { button: 0, clientX: 5, clientY: 5 });
    expect(await screen.findByTestId('map-details')).toHaveTextContent('Azure AD authentication');
  });

  it('pans on drag without opening details', async () => {
    setup();
    const stage = await screen.findByTestId('map-stage');
    const trust = must(stage.querySelector('[data-id="trust"] rect'));
    await fireEvent.pointerDown(trust, { button: 0, clientX: 5, clientY: 5 });
    await fireEvent.pointerMove(stage, { clientX: 60, clientY: 40 });
    await fireEvent.pointerUp(stage, { clientX: 60, clientY: 40 });
    expect(screen.queryByTestId('map-details')).toBeNull();
    await vi.waitFor(() => expect(stage.querySelector('svg > g')?.getAttribute('transform')).toContain('translate(55 35)'));
  });

  it('filters by status and access level, and highlights search matches', async () => {
    const { user } = setup();
    const stage = await screen.findByTestId('map-stage');
    const partner = () => must(stage.querySelector('[data-id="partner:fabrikam"]'));
    await user.click(screen.getByTestId('filter-status-pass'));
    expect(partner()).toHaveClass('hidden');
    expect(stage.querySelector('[data-id="relationship:fabrikam"]')).toHaveClass('hidden');
    expect(stage.querySelector('[data-id="org"]')).not.toHaveClass('hidden');
    await user.click(screen.getByTestId('filter-status-pass'));
    expect(partner()).not.toHaveClass('hidden');
    await user.selectOptions(screen.getByTestId('filter-level'), 'AvailabilityOnly');
    expect(partner()).toHaveClass('hidden');
    await user.selectOptions(screen.getByTestId('filter-level'), '');
    await user.type(screen.getByTestId('map-search'), 'eu.fabrikam');
    expect(partner()).toHaveClass('match');
    expect(screen.getByTestId('search-count')).toHaveTextContent('1 partner match');
  });

  it('zooms with the keyboard and the buttons', async () => {
    const { user } = setup();
    const stage = await screen.findByTestId('map-stage');
    stage.focus();
    await user.keyboard('+');
    await vi.waitFor(() => expect(screen.getByTestId('zoom-level')).toHaveTextContent('125%'));
    await user.click(screen.getByTestId('zoom-out'));
    await vi.waitFor(() => expect(screen.getByTestId('zoom-level')).toHaveTextContent('100%'));
  });

  it('exports and says where the file went, or why not', async () => {
    const exportMap = vi
      .fn()
      .mockResolvedValueOnce({ path: '/home/admin/Downloads/fedshare-map.png', bytes: 10 })
      .mockRejectedValueOnce({ code: 'engine.io', message: 'could not use /x: denied' });
    const { user } = setup({ exportMap });
    await user.click(await screen.findByTestId('export-png'));
    expect(exportMap).toHaveBeenCalledWith('png');
    expect(await screen.findByTestId('export-done')).toHaveTextContent('/home/admin/Downloads/fedshare-map.png');
    await user.click(screen.getByTestId('export-svg'));
    expect(await screen.findByTestId('error-code')).toHaveTextContent('engine.io');
  });
});
