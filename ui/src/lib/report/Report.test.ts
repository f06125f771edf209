import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { createFakeBackend } from '../backend/fake';
import Report from '../pages/Report.svelte';

describe('Report page', () => {
  it('exports the chosen format and a partner kit per partner domain', async () => {
    const backend = createFakeBackend();
    const exportReport = vi.spyOn(backend, 'exportReport');
    const partnerKit = vi.spyOn(backend, 'partnerKit');
    const user = userEvent.setup();
    render(Report, { backend });
    await user.click(screen.getByTestId('format-pdf'));
    await user.click(screen.getByTestId('export-report'));
    expect(exportReport).toHaveBeenCalledWith('pdf');
    expect(await screen.findByTestId('report-done')).toHaveTextContent('fedshare-report-Contoso-Lab.pdf');
    // Open and Show in folder act on the file just written.
    const open = vi.spyOn(backend, 'openExport');
    const reveal = vi.spyOn(backend, 'revealExport');
    await user.click(screen.getByTestId('export-open'));
    await user.click(screen.getByTestId('export-reveal'));
    expect(open).toHaveBeenCalledWith('/home/admin/Downloads/fedshare-report-Contoso-Lab.pdf');
    expect(reveal).toHaveBeenCalledWith('/home/admin/Downloads/fedshare-report-Contoso-Lab.pdf');
    await user.selectOptions(await screen.findByTestId('kit-format'), 'markdown');
    await user.click(screen.getByTestId('kit-eu.fabrikam.test'));
    expect(partnerKit).toHaveBeenCalledWith('eu.fabrikam.test', 'markdown');
    expect(await screen.findByTestId('report-done')).toHaveTextContent('Partner kit for eu.fabrikam.test');
  });

  it('says when there is no partner yet', async () => {
    render(Report, { backend: createFakeBackend({ partnerDomains: () => Promise.resolve([]) }) });
    expect(await screen.findByTestId('no-partners')).toHaveTextContent('No organization relationships yet');
  });
});
