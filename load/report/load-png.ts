import type { LoadResult } from '../runner/load-result.ts';
import { loadCharts } from './load-charts.ts';

/**
 * The latency-over-time and percentile charts stacked into one PNG (for a README). Rendered with
 * @resvg/resvg-js, an optional dependency: without it this resolves to undefined and the caller says so.
 */
export async function loadPng(result: LoadResult): Promise<Buffer | undefined> {
  let Resvg: typeof import('@resvg/resvg-js').Resvg;
  try {
    ({ Resvg } = await import('@resvg/resvg-js'));
  } catch {
    return undefined;
  }
  const { latency, percentiles } = loadCharts(result);
  const inner = (svg: string) => svg.replace(/^<svg[^>]*>/, '').replace(/<\/svg>$/, '');
  const stacked = `<svg xmlns="http://www.w3.org/2000/svg" width="860" height="640" font-family="DejaVu Sans, Helvetica, Arial, sans-serif"><g>${inner(latency)}</g><g transform="translate(0 320)">${inner(percentiles)}</g></svg>`;
  return Buffer.from(new Resvg(stacked, { background: '#ffffff', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng());
}
