import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RunReport } from '../harness/run-report.ts';
import { htmlReport } from './html-report.ts';
import { jsonReport } from './json-report.ts';
import { junitReport, type JunitOptions } from './junit-report.ts';

export interface ReportPaths {
  json: string;
  junit: string;
  html: string;
}

/**
 * Writes the run's files (report.json, junit.xml, report.html) into `dir`, creating it, and returns
 * their absolute paths for the console summary. The console report is separate: it is printed, not filed.
 */
export async function writeReports(report: RunReport, dir: string, options: { junit?: JunitOptions } = {}): Promise<ReportPaths> {
  await mkdir(dir, { recursive: true });
  const paths: ReportPaths = {
    json: resolve(join(dir, 'report.json')),
    junit: resolve(join(dir, 'junit.xml')),
    html: resolve(join(dir, 'report.html')),
  };
  await Promise.all([
    writeFile(paths.json, jsonReport(report)),
    writeFile(paths.junit, junitReport(report, options.junit)),
    writeFile(paths.html, htmlReport(report)),
  ]);
  return paths;
}
