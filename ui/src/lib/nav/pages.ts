/** The wizard's pages, in rail order. Slugs are stable: tests and data-testid use them. */
export const PAGES = [
  { slug: 'before-you-begin', label: 'Before you begin' },
  { slug: 'federation-trust', label: '1 Federation trust' },
  { slug: 'organization-relationships', label: '2 Organization relationships' },
  { slug: 'sharing-policies', label: '3 Sharing policies' },
  { slug: 'autodiscover-dns', label: '4 Autodiscover DNS' },
  { slug: 'verify', label: 'Verify' },
  { slug: 'map', label: 'Map' },
  { slug: 'report', label: 'Report' },
  { slug: 'connection', label: 'Connection' },
] as const;

export type PageSlug = (typeof PAGES)[number]['slug'];

export const FIRST_PAGE: PageSlug = 'before-you-begin';
