import { describe, expect, it, vi } from 'vitest';

import { createFakeBackend, LAB_ORG } from './fake';
import { createOrgSource } from './org-source';

describe('createOrgSource', () => {
  it('reads the organization once for every page', async () => {
    const orgStatus = vi.fn(() => Promise.resolve(LAB_ORG));
    const source = createOrgSource(createFakeBackend({ orgStatus }));
    await source.get();
    await source.get();
    expect(orgStatus).toHaveBeenCalledTimes(1);
  });

  it('reads again when fresh data is asked for', async () => {
    const orgStatus = vi.fn(() => Promise.resolve(LAB_ORG));
    const source = createOrgSource(createFakeBackend({ orgStatus }));
    await source.get();
    await source.get(true);
    expect(orgStatus).toHaveBeenCalledTimes(2);
  });

  it('does not cache a failed read', async () => {
    const orgStatus = vi
      .fn()
      .mockRejectedValueOnce({ code: 'exchange.timeout', message: 'no answer' })
      .mockResolvedValueOnce(LAB_ORG);
    const source = createOrgSource(createFakeBackend({ orgStatus }));
    await expect(source.get()).rejects.toEqual({ code: 'exchange.timeout', message: 'no answer' });
    await expect(source.get()).resolves.toEqual(LAB_ORG);
    expect(orgStatus).toHaveBeenCalledTimes(2);
  });
});
