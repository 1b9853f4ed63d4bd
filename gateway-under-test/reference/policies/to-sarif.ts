import { LINT_RULES } from './lint-rules.ts';
import type { PolicyDiagnostic } from './policy-diagnostic.ts';

const LEVEL = { error: 'error', warning: 'warning', note: 'note' } as const;

/** SARIF 2.1.0 (OASIS) log of lint findings: every rule in the driver, one result per finding. */
export function toSarif(findings: readonly PolicyDiagnostic[], toolVersion = '0.1.0'): object {
  const index = new Map<string, number>(LINT_RULES.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'gatecheck',
            version: toolVersion,
            rules: LINT_RULES.map((r) => ({
              id: r.id,
              shortDescription: { text: r.summary },
              help: { text: `Fix: ${r.fix}` },
              defaultConfiguration: { level: LEVEL[r.severity] },
            })),
          },
        },
        results: findings
          .filter((f) => index.has(f.rule))
          .map((f) => ({
            ruleId: f.rule,
            ruleIndex: index.get(f.rule)!,
            level: LEVEL[f.severity],
            message: { text: f.message },
            // A URI reference: exported file names carry spaces (APIM snippet names do).
            locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(f.file.replaceAll('\\', '/')) }, region: { startLine: Math.max(1, f.line) } } }],
          })),
      },
    ],
  };
}
