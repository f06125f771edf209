import { describe, expect, it } from 'vitest';

import { centreOn, clampScale, fit, keyAction, MAX_SCALE, MIN_SCALE, panBy, transformAttr, wheelFactor, zoomAt } from './view';

describe('pan and zoom math', () => {
  it('zooms around the pointer: the content point under it stays put', () => {
    const view = { x: 30, y: -20, k: 0.5 };
    const px = 400;
    const py = 300;
    const contentX = (px - view.x) / view.k;
    const contentY = (py - view.y) / view.k;
    const z = zoomAt(view, 2, px, py);
    expect(z.k).toBe(1);
    expect(contentX * z.k + z.x).toBeCloseTo(px);
    expect(contentY * z.k + z.y).toBeCloseTo(py);
  });

  it('clamps the scale', () => {
    expect(clampScale(100)).toBe(MAX_SCALE);
    expect(clampScale(0)).toBe(MIN_SCALE);
    expect(zoomAt({ x: 0, y: 0, k: MAX_SCALE }, 2, 0, 0).k).toBe(MAX_SCALE);
  });

  it('pans by screen pixels', () => {
    expect(panBy({ x: 1, y: 2, k: 3 }, 10, -5)).toEqual({ x: 11, y: -3, k: 3 });
  });

  it('fits and centres large content, never enlarging small content', () => {
    const big = fit(4000, 1000, 816, 616, 8);
    expect(big.k).toBeCloseTo(0.2);
    expect(big.x).toBeCloseTo(8);
    expect(big.y).toBeCloseTo((616 - 200) / 2);
    expect(fit(100, 50, 800, 600).k).toBe(1);
    expect(fit(0, 0, 800, 600)).toEqual({ x: 0, y: 0, k: 1 });
  });

  it('centres a content point in the viewport', () => {
    const v = centreOn({ x: 0, y: 0, k: 0.25 }, 1000, 500, 800, 600, 1);
    expect(v.k).toBe(1);
    expect(1000 * v.k + v.x).toBe(400);
    expect(500 * v.k + v.y).toBe(300);
  });

  it('writes an SVG transform and maps wheel and keys', () => {
    expect(transformAttr({ x: 1.23456, y: 2, k: 0.5 })).toBe('translate(1.235 2) scale(0.5)');
    expect(wheelFactor(-100)).toBeGreaterThan(1);
    expect(wheelFactor(100)).toBeLessThan(1);
    expect(wheelFactor(100000)).toBe(wheelFactor(100));
    expect([keyAction('+'), keyAction('='), keyAction('-'), keyAction('0'), keyAction('a')]).toEqual([
      'in',
      'in',
      'out',
      'fit',
      undefined,
    ]);
  });
});
