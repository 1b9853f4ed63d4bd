import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { TargetProfile } from '../../gateway-under-test/index.ts';
import { HarnessError } from './harness-error.ts';

const requirement = z.strictObject({
  values: z.array(z.string().min(1)).min(1),
  claims: z.array(z.string().min(1)).min(1).default(['roles', 'scp']),
  match: z.enum(['any', 'all']).default('any'),
  separator: z.string().min(1).default(' '),
});

/**
 * A target profile file (JSON or YAML): what the gateway under test is configured to enforce
 * (DESIGN.md "A target profile"). Strict, so a misspelt key is an error naming it rather than a
 * silently different expectation; defaults are the reference gateway's.
 */
export const targetProfileSchema = z.strictObject({
  name: z.string().min(1),
  issuers: z
    .array(
      z.strictObject({
        issuer: z.string().min(1),
        tenants: z.array(z.string().min(1)).optional(),
        algorithms: z.array(z.string().min(1)).min(1).default(['RS256']),
        keySource: z.enum(['discovery', 'jwks', 'static']).default('discovery'),
        discoveryUrl: z.string().url().optional(),
        jwksUri: z.string().url().optional(),
        audiences: z.array(z.string().min(1)).min(1),
      }),
    )
    .min(1),
  audiences: z.array(z.string().min(1)).min(1),
  routes: z
    .array(
      z.strictObject({
        path: z.string().startsWith('/'),
        methods: z.array(z.string().min(1)).min(1).default(['*']),
        auth: z.enum(['required', 'anonymous']).default('required'),
        require: requirement.optional(),
        forwardAuthorization: z.boolean().default(false),
        product: z.string().min(1).optional(),
        rateLimit: z.string().min(1).optional(),
      }),
    )
    .min(1),
  claimHeaders: z
    .strictObject({
      userId: z.string().default('X-User-Id'),
      tenantId: z.string().default('X-Tenant-Id'),
      clientId: z.string().default('X-Client-Id'),
      roles: z.string().default('X-Roles'),
      scopes: z.string().default('X-Scopes'),
    })
    .prefault({}),
  rateLimits: z
    .record(z.string(), z.strictObject({ key: z.array(z.string().min(1)).min(1), limit: z.number().int().positive(), windowSeconds: z.number().positive() }))
    .default({}),
  clockSkewSeconds: z.number().min(0).default(0),
  tokenLocations: z.array(z.enum(['header', 'query', 'body'])).min(1).default(['header']),
  token: z
    .strictObject({
      types: z.array(z.string().min(1)).min(1).default(['JWT', 'at+jwt']),
      requireType: z.boolean().default(false),
      requireExp: z.boolean().default(true),
      rejectFutureIat: z.boolean().default(false),
      maxLifetimeSeconds: z.number().positive().optional(),
      kidAbsent: z.enum(['reject', 'try-all']).default('reject'),
      requiredClaims: z.array(z.string().min(1)).default([]),
    })
    .prefault({}),
  jwks: z
    .strictObject({ refreshSeconds: z.number().positive(), unknownKidCooldownSeconds: z.number().min(0), staleIfErrorSeconds: z.number().min(0) })
    .optional(),
  features: z.array(z.string().min(1)).default([]),
});

/** Validates a profile object; the error names the first offending key. */
export function parseTargetProfile(data: unknown, source = 'profile'): TargetProfile {
  const result = targetProfileSchema.safeParse(data);
  if (result.success) return result.data as TargetProfile;
  const issue = result.error.issues[0];
  let key = issue.path.map(String).join('.');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    key = [...issue.path.map(String), issue.keys[0]].filter(Boolean).join('.');
    message = 'unknown key';
  }
  throw new HarnessError('ERR_TARGET_PROFILE', `${source}: ${key ? `${key}: ` : ''}${message}`);
}

/** Reads a profile file: `.json` as JSON, anything else as YAML (a JSON superset). */
export async function loadTargetProfile(file: string): Promise<TargetProfile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new HarnessError('ERR_TARGET_PROFILE', `cannot read profile ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let data: unknown;
  try {
    data = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new HarnessError('ERR_TARGET_PROFILE', `profile ${file} is not valid ${extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
  }
  return parseTargetProfile(data, file);
}
