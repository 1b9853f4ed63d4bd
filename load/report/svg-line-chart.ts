export interface ChartSeries {
  name: string;
  color: string;
  points: Array<[number, number]>;
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** Vertical markers (events), at x. */
  markers?: Array<{ x: number; label: string }>;
  /** Shaded x ranges (fault windows). */
  bands?: Array<{ from: number; to: number; label: string }>;
  /** Tick positions and labels for x; default: evenly spaced numbers. */
  xTicks?: Array<{ x: number; label: string }>;
  width?: number;
  height?: number;
  /** A line under the chart saying how to read it; drawn inside the SVG so the PNG carries it too. */
  caption?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** 1, 2, 5 × 10^n steps: ticks a reader can add up in their head. */
function niceStep(range: number, target: number): number {
  const raw = range / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  const unit = [1, 2, 5, 10].find((u) => u * mag >= raw) ?? 10;
  return unit * mag;
}

const fmt = (n: number) => (Math.abs(n) >= 100 || Number.isInteger(n) ? String(Math.round(n)) : n.toPrecision(3).replace(/\.?0+$/, ''));

/**
 * A plain SVG line chart with explicit sizes and fonts, so it reads the same inline in the HTML
 * report and when rasterised to PNG without a browser.
 */
export function svgLineChart(options: LineChartOptions): string {
  const width = options.width ?? 860;
  const height = options.height ?? 320;
  const m = { left: 64, right: 150, top: 36, bottom: 44 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const captionHeight = options.caption ? 20 : 0;
  const all = options.series.flatMap((s) => s.points);
  const xs = [...all.map((p) => p[0]), ...(options.xTicks ?? []).map((t) => t.x)];
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMax = xs.length ? Math.max(...xs, xMin + 1) : 1;
  const yMaxRaw = all.length ? Math.max(...all.map((p) => p[1])) : 1;
  const yStep = niceStep(yMaxRaw || 1, 5);
  const yMax = Math.ceil((yMaxRaw || 1) / yStep) * yStep;
  const X = (x: number) => m.left + ((x - xMin) / (xMax - xMin)) * w;
  const Y = (y: number) => m.top + h - (y / yMax) * h;
  const out: string[] = [];
  const total = height + captionHeight;
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${total}" viewBox="0 0 ${width} ${total}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${total}" fill="#ffffff"/>`);
  if (options.caption) out.push(`<text x="${m.left}" y="${height + 12}" font-size="11" fill="#555" class="caption">${esc(options.caption)}</text>`);
  out.push(`<text x="${m.left}" y="22" font-size="14" font-weight="bold" fill="#222">${esc(options.title)}</text>`);
  for (const band of options.bands ?? []) {
    out.push(`<rect x="${X(band.from).toFixed(1)}" y="${m.top}" width="${Math.max(1, X(band.to) - X(band.from)).toFixed(1)}" height="${h}" fill="#f6c6c6" fill-opacity="0.5"/>`);
    out.push(`<text x="${(X(band.from) + 3).toFixed(1)}" y="${m.top + 12}" fill="#a33" font-size="11">${esc(band.label)}</text>`);
  }
  for (let y = 0; y <= yMax + 1e-9; y += yStep) {
    out.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${Y(y).toFixed(1)}" y2="${Y(y).toFixed(1)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${m.left - 6}" y="${(Y(y) + 4).toFixed(1)}" text-anchor="end" fill="#555">${fmt(y)}</text>`);
  }
  const xTicks = options.xTicks ?? (() => {
    const step = niceStep(xMax - xMin, 8);
    const ticks: Array<{ x: number; label: string }> = [];
    for (let x = Math.ceil(xMin / step) * step; x <= xMax + 1e-9; x += step) ticks.push({ x, label: fmt(x) });
    return ticks;
  })();
  for (const t of xTicks) {
    out.push(`<line x1="${X(t.x).toFixed(1)}" x2="${X(t.x).toFixed(1)}" y1="${m.top + h}" y2="${m.top + h + 4}" stroke="#555"/>`);
    out.push(`<text x="${X(t.x).toFixed(1)}" y="${m.top + h + 17}" text-anchor="middle" fill="#555">${esc(t.label)}</text>`);
  }
  out.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${m.top + h}" y2="${m.top + h}" stroke="#555"/>`);
  out.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + h}" stroke="#555"/>`);
  out.push(`<text x="${m.left + w / 2}" y="${height - 8}" text-anchor="middle" fill="#333">${esc(options.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${m.top + h / 2}) rotate(-90)" text-anchor="middle" fill="#333">${esc(options.yLabel)}</text>`);
  for (const marker of options.markers ?? []) {
    out.push(`<line x1="${X(marker.x).toFixed(1)}" x2="${X(marker.x).toFixed(1)}" y1="${m.top}" y2="${m.top + h}" stroke="#c00" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${(X(marker.x) + 3).toFixed(1)}" y="${m.top + h - 6}" fill="#c00" font-size="11">${esc(marker.label)}</text>`);
  }
  options.series.forEach((s, i) => {
    if (s.points.length > 0) {
      const d = s.points.map((p, j) => `${j ? 'L' : 'M'}${X(p[0]).toFixed(1)} ${Y(p[1]).toFixed(1)}`).join('');
      out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    }
    const ly = m.top + 10 + i * 18;
    out.push(`<line x1="${m.left + w + 14}" x2="${m.left + w + 36}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    out.push(`<text x="${m.left + w + 42}" y="${ly + 4}" fill="#333">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
