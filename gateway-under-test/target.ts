import type { z } from 'zod';
import type { profileRequirementSchema, targetProfileSchema } from './target-profile-schema.ts';

/**
 * What a gateway under test is configured to enforce, so the suite can compute expectations
 * (its JSON Schema: target-profile.schema.json), and the handle every target start gives back.
 */

/** The target contract, defaults applied: see `targetProfileSchema`, its one definition. */
export type TargetProfile = z.output<typeof targetProfileSchema>;
export type ProfileRoute = TargetProfile['routes'][number];
export type ProfileIssuer = TargetProfile['issuers'][number];
export type ProfileRequirement = z.output<typeof profileRequirementSchema>;

export interface StartedTarget {
  baseUrl: string;
  profile: TargetProfile;
  stop(): Promise<void>;
}

export interface Target {
  name: string;
  start(profile?: TargetProfile): Promise<StartedTarget>;
}
