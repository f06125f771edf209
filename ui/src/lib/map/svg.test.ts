import { describe, expect, it } from 'vitest';

import { FAKE_MAP_SVG } from './fake-backend';
import { centreOf, detailsOf, elementsOf, MapParseError, parseMap, stepPage } from './svg';

function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('missing');
  return value;
}

describe('map SVG import', () => {
  it('parses the engine SVG and drops the inline style the CSP would refuse', () => {
    const { svg, width, height } = parseMap(FAKE_MAP_SVG);
    expect([width, height]).toEqual([900, 420]);
    expect(svg.querySelector('style')).toBeNull();
    expect(svg.ownerDocument).toBe(document);
    expect(elementsOf(svg).map((e) => e.id)).toContain('partner:fabrikam');
  });

  it('never turns labels into markup and strips active content', () => {
    const hostile = `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><g data-id="x" data-kind="partner" onclick="alert(2)"><title>&lt;img src=x onerror=alert(3)&gt;</title><a href="https://evil.example"><rect x="0" y="0" width="1" height="1"/></a><foreignObject><div/></foreignObject></g></svg>`;
    const { svg } = parseMap(hostile);
    expect(svg.querySelector('script')).toBeNull();
    expect(svg.querySelector('a')).toBeNull();
    expect(svg.querySelector('foreignObject')).toBeNull();
    expect(svg.querySelector('img')).toBeNull();
    const g = must(svg.querySelector('g'));
    expect(g.getAttribute('onclick')).toBeNull();
    expect(detailsOf(g).title).toBe('<img src=x onerror=alert(3)>');
  });

  it('rejects text that is not SVG', () => {
    expect(() => parseMap('<html><body/></html>')).toThrow(MapParseError);
    expect(() => parseMap('not xml at all <')).toThrow(MapParseError);
  });

  it('reads details from the title and the step from data-step or the edge kind', () => {
    const { svg } = parseMap(FAKE_MAP_SVG);
    const partner = must(svg.querySelector('[data-id="partner:fabrikam"]'));
    const d = detailsOf(partner);
    expect(d.title).toBe('Fabrikam');
    expect(d.status).toBe('warning');
    expect(d.page).toBe('organization-relationships');
    expect(d.properties).toContainEqual({ name: 'Domain', value: 'eu.fabrikam.test' });
    expect(centreOf(partner)).toEqual({ x: 700, y: 240 });
    const edge = detailsOf(must(svg.querySelector('[data-id="edge:trust"]')));
    expect(edge.page).toBe('federation-trust');
    expect(stepPage(undefined, 'autodiscover-record')).toBe('autodiscover-dns');
    expect(stepPage('nonsense', 'nonsense')).toBeUndefined();
  });
});
