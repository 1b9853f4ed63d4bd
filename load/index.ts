/**
 * load's public API: scenarios (data), pool minting into plan files both engines read, the embedded
 * engine, its reports, and the k6-operator manifest. The k6 scripts in load/k6 import none of it.
 */
export { ScenarioSchema, type Scenario, type ScenarioInput, type ScenarioEvent, type TokenMix, type LoadModel } from './scenarios/scenario-schema.ts';
export { loadScenario, parseScenario, scenarioNames } from './scenarios/load-scenario.ts';
export { LoadInputError } from './runner/load-input-error.ts';
export { readLoadPlan, type LoadPlan, type LoadPool, type PlanPool } from './runner/load-plan.ts';
export { preparePlan, type PreparePlanOptions } from './runner/prepare-plan.ts';
export { mockIdpPoolSource, controlApiPoolSource, type PoolSource } from './runner/pool-source.ts';
export { mintTokenPool, tokenPoolFile, type TokenPoolFile } from './runner/mint-pool.ts';
export { runLoad, type RunLoadOptions, type LoadProgress } from './runner/run-load.ts';
export { runScenario } from './runner/run-scenario.ts';
export { OUTCOMES, ERROR_OUTCOMES, type LoadResult, type Outcome } from './runner/load-result.ts';
export { startLoadEnvironment, referenceLoadConfig, LOAD_TARGET_NAMES, type LoadEnvironment, type StartedLoadTarget } from './runner/start-load-targets.ts';
export { k6OperatorManifest, planExpiry, K6_SCRIPT, type K6OperatorOptions } from './runner/k6-operator-manifest.ts';
export { K6_VERSION_NOTE, k6RunArguments } from './runner/k6-version.ts';
export { formatLoadSummary } from './report/format-load-summary.ts';
export { loadHtmlReport } from './report/load-html-report.ts';
export { loadPng } from './report/load-png.ts';
export { loadProgress } from './report/load-progress.ts';
export { mintProgress, type MintProgress } from './report/mint-progress.ts';
export { throughputCaption } from './report/load-charts.ts';
