// Minimal SVG plotting: axes with linear or log10 ticks, polylines, step histograms, legends.
//
// Hand-written on purpose: the charting libraries (d3, vega, plotly) need a DOM or a headless
// browser in Node, or pull in megabytes for four kinds of line plot; these figures are a few
// hundred lines of deterministic string building, render anywhere and embed inline in
// report.html without scripts or network requests.

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Compact coordinates: two decimals are sub-pixel. */
export const f = (v: number) => (Math.round(v * 100) / 100).toString();

export interface Axis {
  min: number;
  max: number;
  log?: boolean;
  /** Only whole-number ticks (epochs). */
  integer?: boolean;
  label: string;
}

export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const DEFAULT_FRAME: Frame = { width: 640, height: 440, left: 70, right: 20, top: 40, bottom: 55 };

export function scaler(axis: Axis, lo: number, hi: number): (v: number) => number {
  if (axis.log) {
    const a = Math.log10(axis.min);
    const b = Math.log10(axis.max);
    return (v) => lo + ((Math.log10(Math.max(v, axis.min)) - a) / (b - a || 1)) * (hi - lo);
  }
  return (v) => lo + ((v - axis.min) / (axis.max - axis.min || 1)) * (hi - lo);
}

/** About `count` round tick values spanning [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  const span = max - min;
  if (!(span > 0)) return [min];
  const raw = span / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

export function logTicks(min: number, max: number): number[] {
  const out: number[] = [];
  for (let e = Math.ceil(Math.log10(min) - 1e-9); e <= Math.floor(Math.log10(max) + 1e-9); e++) out.push(Math.pow(10, e));
  return out;
}

function tickLabel(v: number, log: boolean): string {
  if (log) {
    const e = Math.round(Math.log10(v));
    return e >= -2 && e <= 4 ? String(Math.pow(10, e)) : `1e${e}`;
  }
  return Number(v.toPrecision(6)).toString();
}

export interface Plot {
  x: (v: number) => number;
  y: (v: number) => number;
  parts: string[];
  frame: Frame;
}

/** Starts a figure: background, title, frame, ticks, grid and axis labels. */
export function startPlot(title: string, xa: Axis, ya: Axis, frame: Frame = DEFAULT_FRAME): Plot {
  const { width, height, left, right, top, bottom } = frame;
  const x = scaler(xa, left, width - right);
  const y = scaler(ya, height - bottom, top);
  const parts: string[] = [];
  parts.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(`<text x="${f(width / 2)}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`);
  const ints = (a: Axis, t: number[]) => (a.integer ? t.filter((v) => Number.isInteger(v)) : t);
  const xt = ints(xa, xa.log ? logTicks(xa.min, xa.max) : niceTicks(xa.min, xa.max));
  const yt = ya.log ? logTicks(ya.min, ya.max) : niceTicks(ya.min, ya.max);
  for (const t of xt) {
    parts.push(`<line x1="${f(x(t))}" y1="${top}" x2="${f(x(t))}" y2="${height - bottom}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${f(x(t))}" y="${height - bottom + 18}" text-anchor="middle" font-size="12">${esc(tickLabel(t, !!xa.log))}</text>`);
  }
  for (const t of yt) {
    parts.push(`<line x1="${left}" y1="${f(y(t))}" x2="${width - right}" y2="${f(y(t))}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${left - 6}" y="${f(y(t) + 4)}" text-anchor="end" font-size="12">${esc(tickLabel(t, !!ya.log))}</text>`);
  }
  parts.push(`<rect x="${left}" y="${top}" width="${width - left - right}" height="${height - top - bottom}" fill="none" stroke="#333333"/>`);
  parts.push(`<text x="${f((left + width - right) / 2)}" y="${height - 14}" text-anchor="middle" font-size="13">${esc(xa.label)}</text>`);
  parts.push(`<text x="16" y="${f((top + height - bottom) / 2)}" text-anchor="middle" font-size="13" transform="rotate(-90 16 ${f((top + height - bottom) / 2)})">${esc(ya.label)}</text>`);
  return { x, y, parts, frame };
}

export function polyline(p: Plot, xs: ArrayLike<number>, ys: ArrayLike<number>, color: string, opts: { dash?: string; width?: number } = {}): void {
  const pts: string[] = [];
  for (let i = 0; i < xs.length; i++) {
    const a = p.x(xs[i]!);
    const b = p.y(ys[i]!);
    if (Number.isFinite(a) && Number.isFinite(b)) pts.push(`${f(a)},${f(b)}`);
  }
  if (pts.length === 0) return;
  p.parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="${opts.width ?? 2}"${opts.dash ? ` stroke-dasharray="${opts.dash}"` : ''}/>`);
}

/** Legend entries in the given corner of the plotting area. */
export function legend(p: Plot, entries: { label: string; color: string; dash?: string; marker?: boolean; fill?: boolean }[], corner: 'tl' | 'tr' | 'bl' | 'br' = 'tr'): void {
  const { width, height, left, right, top, bottom } = p.frame;
  const lineH = 18;
  const w = Math.min(300, 40 + 7 * Math.max(...entries.map((e) => e.label.length), 4));
  const h = entries.length * lineH + 8;
  const x0 = corner.endsWith('r') ? width - right - w - 8 : left + 8;
  const y0 = corner.startsWith('t') ? top + 8 : height - bottom - h - 8;
  p.parts.push(`<rect x="${f(x0)}" y="${f(y0)}" width="${w}" height="${h}" fill="#ffffff" fill-opacity="0.85" stroke="#bbbbbb"/>`);
  entries.forEach((e, i) => {
    const cy = y0 + 4 + lineH * i + lineH / 2;
    if (e.marker) p.parts.push(`<circle cx="${f(x0 + 18)}" cy="${f(cy)}" r="3" fill="${e.color}"/>`);
    else if (e.fill) p.parts.push(`<rect x="${f(x0 + 8)}" y="${f(cy - 5)}" width="20" height="10" fill="${e.color}" fill-opacity="0.3" stroke="${e.color}"/>`);
    else p.parts.push(`<line x1="${f(x0 + 8)}" y1="${f(cy)}" x2="${f(x0 + 28)}" y2="${f(cy)}" stroke="${e.color}" stroke-width="2"${e.dash ? ` stroke-dasharray="${e.dash}"` : ''}/>`);
    p.parts.push(`<text x="${f(x0 + 34)}" y="${f(cy + 4)}" font-size="12">${esc(e.label)}</text>`);
  });
}

/** Clips drawing to the plotting area. */
export function clipped(p: Plot, id: string, inner: string[]): string {
  const { width, height, left, right, top, bottom } = p.frame;
  return `<clipPath id="${id}"><rect x="${left}" y="${top}" width="${width - left - right}" height="${height - top - bottom}"/></clipPath><g clip-path="url(#${id})">${inner.join('')}</g>`;
}

export function finishPlot(p: Plot, title: string): string {
  const { width, height } = p.frame;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" role="img" aria-label="${esc(title)}">${p.parts.join('')}</svg>\n`;
}
