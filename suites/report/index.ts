// The reports' public face: the harness and the CLI import from here only.
export { consoleReport, type ConsoleReportOptions } from './console-report.ts';
export { progressReporter, type ProgressReporter, type ProgressOptions } from './progress-reporter.ts';
export { shouldColor } from './should-color.ts';
export { jsonReport } from './json-report.ts';
export { junitReport, type JunitOptions } from './junit-report.ts';
export { htmlReport } from './html-report.ts';
export { matrixHtml } from './matrix-html.ts';
export { matrixMarkdown } from './matrix-markdown.ts';
export { writeReports, type ReportPaths } from './write-reports.ts';
export { writeMatrix } from './write-matrix.ts';
export { strictText } from './verdict-style.ts';
