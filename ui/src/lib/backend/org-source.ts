import type { Backend, OrgState } from './types';

/**
 * One read of the organization shared by every page: `org_status` runs a whole batch of Get-*
 * cmdlets, so switching pages must not repeat it. `fresh` (Retry) forces a new read; a failed
 * read is never cached.
 */
export interface OrgSource {
  get(fresh?: boolean): Promise<OrgState>;
}

export function createOrgSource(backend: Backend): OrgSource {
  let pending: Promise<OrgState> | undefined;
  return {
    get(fresh = false) {
      if (fresh || pending === undefined) {
        const read = backend.orgStatus();
        pending = read;
        read.catch(() => {
          if (pending === read) pending = undefined;
        });
      }
      return pending;
    },
  };
}
