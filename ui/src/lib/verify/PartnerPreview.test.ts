import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { createFakeBackend } from '../backend/fake';
import { createOrgSource } from '../backend/org-source';
import type { PartnerDiscovery } from '../bindings/PartnerDiscovery';
import OrganizationRelationships from '../pages/OrganizationRelationships.svelte';
import { FABRIKAM_DISCOVERY } from './fake-backend';
import PartnerPreview from './PartnerPreview.svelte';

describe('Preview partner', () => {
  it('is on page 2, prefilled from the plan, and shows what the partner publishes', async () => {
    const backend = createFakeBackend();
    const partnerPreview = vi.spyOn(backend, 'partnerPreview');
    render(OrganizationRelationships, { backend, org: createOrgSource(backend) });
    const box = await screen.findByTestId('partner-domain');
    const planDomain = (await backend.planDocument()).relationship[0]?.domains[0];
    await waitFor(() => expect(box).toHaveValue(planDomain));
    await userEvent.clear(box);
    await userEvent.type(box, 'fabrikam.test');
    await userEvent.click(screen.getByTestId('partner-preview-run'));
    expect(partnerPreview).toHaveBeenCalledWith('fabrikam.test');
    expect(await screen.findByTestId('target-application-uri')).toHaveTextContent('FYDIBOHF25SPDLT.fabrikam.test');
    expect(screen.getByTestId('target-autodiscover-epr')).toHaveTextContent(
      'https://autodiscover.fabrikam.test/autodiscover/autodiscover.svc/WSSecurity',
    );
    expect(screen.getByTestId('domain-names')).toHaveTextContent('fabrikam.test, eu.fabrikam.test');
    expect(screen.getByTestId('discovery-result')).toHaveTextContent('urn:federation:MicrosoftOnline · https://login.microsoftonline.com/extSTS.srf');
    expect(screen.getByTestId('discovery-attempt')).toHaveTextContent(
      'autodiscover.<domain> (SOAP)POST https://autodiscover.fabrikam.test/autodiscover/autodiscover.svcanswered',
    );
    expect(screen.getByTestId('exchange-online')).toHaveTextContent('No');
    expect(screen.getByTestId('partner-clock')).toHaveTextContent('+1 s against this computer (HTTP Date)');
    expect(screen.getByTestId('partner-clock')).not.toHaveClass('warn');
  });

  it('flags a partner clock more than 5 minutes from this one', async () => {
    const skewed: PartnerDiscovery = { ...structuredClone(FABRIKAM_DISCOVERY), clockOffsetSeconds: -432 };
    render(PartnerPreview, { backend: createFakeBackend({ partnerPreview: () => Promise.resolve(skewed) }) });
    await userEvent.type(screen.getByTestId('partner-domain'), 'fabrikam.test');
    await userEvent.click(screen.getByTestId('partner-preview-run'));
    const clock = await screen.findByTestId('partner-clock');
    expect(clock).toHaveTextContent('-432 s against this computer (HTTP Date): more than 5 minutes apart.');
    expect(clock).toHaveClass('warn');
  });

  it('lists every failed attempt and what Exchange would say', async () => {
    render(PartnerPreview, { backend: createFakeBackend() });
    const box = screen.getByTestId('partner-domain');
    await waitFor(() => expect(box).not.toHaveValue(''));
    await userEvent.clear(box);
    await userEvent.type(box, 'nowhere.example');
    await userEvent.click(screen.getByTestId('partner-preview-run'));
    const attempts = await screen.findAllByTestId('discovery-attempt');
    expect(attempts.map((a) => a.textContent)).toEqual([
      'autodiscover.<domain> (SOAP)POST https://autodiscover.nowhere.example/autodiscover/autodiscover.svcname not resolved: autodiscover.nowhere.example: no such name (NXDOMAIN)',
      '<domain> (SOAP)POST https://nowhere.example/autodiscover/autodiscover.svcname not resolved: nowhere.example: no such name (NXDOMAIN)',
    ]);
    expect(screen.queryByTestId('partner-clock')).toBeNull();
    expect(screen.getByTestId('discovery-failed')).toHaveTextContent(
      'Federation information could not be received from the external organization.',
    );
  });

  it('flags an Exchange Online partner and its move to cross-tenant access policies', async () => {
    const exo: PartnerDiscovery = structuredClone(FABRIKAM_DISCOVERY);
    if (exo.result) exo.result.exchangeOnline = 'worldwide';
    render(PartnerPreview, { backend: createFakeBackend({ partnerPreview: () => Promise.resolve(exo) }) });
    await userEvent.type(screen.getByTestId('partner-domain'), 'adatum.com');
    await userEvent.click(screen.getByTestId('partner-preview-run'));
    expect(await screen.findByTestId('exchange-online')).toHaveTextContent(
      'Yes, Exchange Online (worldwide). Microsoft is moving free/busy with Exchange Online organizations from organization relationships to cross-tenant access policies',
    );
  });

  it('shows a refused domain with what to type', async () => {
    const partnerPreview = () =>
      Promise.reject({ code: 'engine.partner_domain', message: "'a/b' is not a domain name: type the partner's SMTP domain, e.g. fabrikam.com" });
    render(PartnerPreview, { backend: createFakeBackend({ partnerPreview }) });
    await userEvent.type(screen.getByTestId('partner-domain'), 'a/b');
    await userEvent.click(screen.getByTestId('partner-preview-run'));
    expect(await screen.findByRole('alert')).toHaveTextContent("type the partner's SMTP domain");
  });
});
