// Pan and zoom as pure functions over one transform: screen = content × k + (x, y).
// The page applies the result to one <g> wrapper; the SVG itself is never re-rendered.

export interface View {
  x: number;
  y: number;
  k: number;
}

export const MIN_SCALE = 0.05;
export const MAX_SCALE = 8;
/** One keyboard or button step. */
export const ZOOM_STEP = 1.25;

export function clampScale(k: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, k));
}

/** Zooms by `factor` keeping the content point under (px, py) where it is on screen. */
export function zoomAt(view: View, factor: number, px: number, py: number): View {
  const k = clampScale(view.k * factor);
  const ratio = k / view.k;
  return { k, x: px - (px - view.x) * ratio, y: py - (py - view.y) * ratio };
}

export function panBy(view: View, dx: number, dy: number): View {
  return { ...view, x: view.x + dx, y: view.y + dy };
}

/** The whole content fitted into the viewport with a margin, centred. */
export function fit(contentW: number, contentH: number, viewW: number, viewH: number, margin = 16): View {
  if (contentW <= 0 || contentH <= 0 || viewW <= 0 || viewH <= 0) return { x: 0, y: 0, k: 1 };
  const k = clampScale(Math.min((viewW - 2 * margin) / contentW, (viewH - 2 * margin) / contentH, 1));
  return { k, x: (viewW - contentW * k) / 2, y: (viewH - contentH * k) / 2 };
}

/** Puts the content point (cx, cy) in the middle of the viewport, at least at scale `minK`. */
export function centreOn(view: View, cx: number, cy: number, viewW: number, viewH: number, minK = 1): View {
  const k = Math.max(view.k, clampScale(minK));
  return { k, x: viewW / 2 - cx * k, y: viewH / 2 - cy * k };
}

/** The SVG transform attribute for a view. */
export function transformAttr(view: View): string {
  const r = (n: number) => Math.round(n * 1000) / 1000;
  return `translate(${r(view.x)} ${r(view.y)}) scale(${r(view.k)})`;
}

/** Wheel delta (pixels) to a zoom factor: smooth for trackpads, one step per mouse notch. */
export function wheelFactor(deltaY: number): number {
  return Math.exp(-Math.max(-100, Math.min(100, deltaY)) * 0.0022);
}

/** Keyboard: + / = zoom in, - zoom out, 0 fit; anything else is not ours. */
export function keyAction(key: string): 'in' | 'out' | 'fit' | undefined {
  if (key === '+' || key === '=') return 'in';
  if (key === '-' || key === '_') return 'out';
  if (key === '0') return 'fit';
  return undefined;
}
