// Turning the engine's SVG text into a DOM node the page can own. It is our own SVG, but it is
// still parsed (never assigned to innerHTML) and stripped of anything active or anything the
// strict CSP would refuse (inline <style>), so a label can never become markup or code.
import type { PageSlug } from '../nav/pages';
import type { MapElement } from './filter';

const SVG_NS = 'http://www.w3.org/2000/svg';
const DROP = new Set(['script', 'style', 'foreignobject', 'iframe', 'image', 'use', 'a', 'animate', 'set']);

export interface ParsedMap {
  svg: SVGSVGElement;
  width: number;
  height: number;
}

export class MapParseError extends Error {
  constructor(reason: string) {
    super(`The map could not be read: ${reason}`);
    this.name = 'MapParseError';
  }
}

/** Removes elements and attributes that could run code, load anything, or need inline CSS. */
export function sanitize(root: Element): void {
  for (const el of [...root.querySelectorAll('*')]) {
    if (DROP.has(el.localName.toLowerCase())) {
      el.remove();
      continue;
    }
    for (const attr of [...el.attributes]) {
      const name = attr.name.toLowerCase();
      const value = attr.value.trim().toLowerCase();
      const isLink = name === 'href' || name.endsWith(':href');
      if (name.startsWith('on') || name === 'style' || (isLink && !value.startsWith('#'))) {
        el.removeAttribute(attr.name);
      }
    }
  }
}

/** Parses the SVG text into a sanitised node of `doc`, sized from its width/height. */
export function parseMap(text: string, doc: Document = document): ParsedMap {
  const parsed = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = parsed.documentElement;
  if (root.localName !== 'svg' || root.namespaceURI !== SVG_NS || parsed.querySelector('parsererror')) {
    throw new MapParseError('it is not SVG');
  }
  sanitize(root);
  const svg = doc.importNode(root, true) as unknown as SVGSVGElement;
  const width = Number(svg.getAttribute('width')) || 800;
  const height = Number(svg.getAttribute('height')) || 600;
  return { svg, width, height };
}

/** Every node and edge group of the map, as the filters see them. */
export function elementsOf(svg: Element): MapElement[] {
  return [...svg.querySelectorAll<SVGGElement>('g[data-id]')].map((g) => ({
    id: g.dataset.id ?? '',
    kind: g.dataset.kind ?? '',
    status: g.dataset.status ?? 'not-checked',
    from: g.dataset.from,
    to: g.dataset.to,
  }));
}

/** The engine's step slugs (data-step) and edge kinds → the wizard page that fixes them. */
const STEP_PAGES: Record<string, PageSlug> = {
  prerequisites: 'before-you-begin',
  federationTrust: 'federation-trust',
  organizationRelationships: 'organization-relationships',
  sharingPolicies: 'sharing-policies',
  autodiscoverDns: 'autodiscover-dns',
  federation: 'federation-trust',
  relationship: 'organization-relationships',
  'policy-link': 'sharing-policies',
  'autodiscover-record': 'autodiscover-dns',
};

export function stepPage(step: string | undefined, kind: string | undefined): PageSlug | undefined {
  return (step !== undefined ? STEP_PAGES[step] : undefined) ?? (kind !== undefined ? STEP_PAGES[kind] : undefined);
}

export interface Details {
  id: string;
  kind: string;
  status: string;
  title: string;
  properties: { name: string; value: string }[];
  page: PageSlug | undefined;
}

/**
 * The details of one node or edge group, from its data attributes and its <title> (the
 * engine writes the label on the first line, then `Name: value` lines).
 */
export function detailsOf(g: Element): Details {
  const data = (k: string) => g.getAttribute(`data-${k}`) ?? undefined;
  const title = [...g.children].find((c) => c.localName === 'title')?.textContent ?? '';
  const [first = '', ...rest] = title.split('\n');
  const properties = rest
    .map((line) => {
      const at = line.indexOf(': ');
      return at === -1 ? { name: '', value: line } : { name: line.slice(0, at), value: line.slice(at + 2) };
    })
    // The status is shown on its own; the rest are the element's properties.
    .filter((p) => p.value !== '' && p.name !== 'Status');
  return {
    id: data('id') ?? '',
    kind: data('kind') ?? '',
    status: data('status') ?? 'not-checked',
    title: first,
    properties,
    page: stepPage(data('step'), data('kind')),
  };
}

/** The centre of a node's box in content coordinates (its first <rect>). */
export function centreOf(g: Element): { x: number; y: number } | undefined {
  const rect = g.querySelector('rect');
  if (rect === null) return undefined;
  const n = (a: string) => Number(rect.getAttribute(a)) || 0;
  return { x: n('x') + n('width') / 2, y: n('y') + n('height') / 2 };
}
