import features from '../../fixtures/features.json' with { type: 'json' };

const HARNESS = new Set(Object.entries(features.features as Record<string, string>).filter(([, text]) => text.startsWith('(harness)')).map(([name]) => name));

/** Whether a feature is one the run provides around the target (fixtures/features.json marks them "(harness)"), not a gateway capability. */
export function isHarnessFeature(name: string): boolean {
  return HARNESS.has(name);
}
