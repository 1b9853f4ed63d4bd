import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { MatrixReport } from '../harness/run-report.ts';
import { matrixHtml } from './matrix-html.ts';
import { matrixMarkdown } from './matrix-markdown.ts';

/** Writes matrix.html and matrix.md into `dir` (created if needed) and returns their absolute paths. */
export async function writeMatrix(matrix: MatrixReport, dir: string): Promise<{ html: string; markdown: string }> {
  await mkdir(dir, { recursive: true });
  const paths = { html: resolve(join(dir, 'matrix.html')), markdown: resolve(join(dir, 'matrix.md')) };
  await Promise.all([writeFile(paths.html, matrixHtml(matrix)), writeFile(paths.markdown, matrixMarkdown(matrix))]);
  return paths;
}
