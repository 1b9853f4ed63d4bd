import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { MatrixReport } from '../harness/run-report.ts';
import { matrixHtml } from './matrix-html.ts';
import { matrixMarkdown } from './matrix-markdown.ts';

export interface WriteMatrixOptions {
  /** Per run, in column order: the file of that target's own report (report.html); each column header links to it. */
  reports?: (string | undefined)[];
}

/**
 * Writes matrix.html and matrix.md into `dir` (created if needed) and returns their absolute paths.
 * Links to the per-target reports are relative, so the folder can be moved or published as a whole.
 */
export async function writeMatrix(matrix: MatrixReport, dir: string, options: WriteMatrixOptions = {}): Promise<{ html: string; markdown: string }> {
  await mkdir(dir, { recursive: true });
  const paths = { html: resolve(join(dir, 'matrix.html')), markdown: resolve(join(dir, 'matrix.md')) };
  const targetReports = options.reports?.map((file) => (file === undefined ? undefined : relative(resolve(dir), resolve(file)).split(sep).join('/')));
  await Promise.all([writeFile(paths.html, matrixHtml(matrix, { targetReports })), writeFile(paths.markdown, matrixMarkdown(matrix, { targetReports }))]);
  return paths;
}
