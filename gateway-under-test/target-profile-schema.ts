import { z } from 'zod';

/** A claim requirement: `any` or `all` of the values, searched in the named claims (see `requirementHolds`). */
export const profileRequirementSchema = z.strictObject({
  values: z.array(z.string().min(1)).min(1),
  claims: z.array(z.string().min(1)).min(1).default(['roles', 'scp']),
  match: z.enum(['any', 'all']).default('any'),
  separator: z.string().min(1).default(' '),
});

/** The headers verified claims travel upstream in (the claims contract), with their default names. */
export const claimHeadersSchema = z
  .strictObject({
    userId: z.string().default('X-User-Id'),
    tenantId: z.string().default('X-Tenant-Id'),
    clientId: z.string().default('X-Client-Id'),
    roles: z.string().default('X-Roles'),
    scopes: z.string().default('X-Scopes'),
  })
  .prefault({});

/**
 * The target contract (README: "Every verdict is computed from the target's contract"): what a gateway under test is configured to
 * enforce, from which every case computes its token and its expectation. The reference gateway's config,
 * the APIM/Apigee policy import and hand-written profile files all produce this one shape. Strict, so a
 * misspelt key is an error naming it rather than a silently different expectation; defaults are the
 * reference gateway's. Exported as JSON Schema in `gateway-under-test/target-profile.schema.json`.
 */
export const targetProfileSchema = z.strictObject({
  name: z.string().min(1),
  issuers: z
    .array(
      z.strictObject({
        /** Exact issuer, or Entra's multi-tenant template with `{tenantid}`. */
        issuer: z.string().min(1),
        /** Tenant allow-list for a `{tenantid}` issuer. */
        tenants: z.array(z.string().min(1)).optional(),
        algorithms: z.array(z.string().min(1)).min(1).default(['RS256']),
        keySource: z.enum(['discovery', 'jwks', 'static']).default('discovery'),
        discoveryUrl: z.string().url().optional(),
        jwksUri: z.string().url().optional(),
        /** Audiences accepted from this issuer: the application id (GUID) and/or the App ID URI. */
        audiences: z.array(z.string().min(1)).min(1),
      }),
    )
    .min(1),
  /** Every audience the target accepts (the union over issuers); empty only when `token.checkAudience` is false. */
  audiences: z.array(z.string().min(1)),
  routes: z
    .array(
      z.strictObject({
        /** `path*` is a prefix, anything else exact; the first matching route wins. */
        path: z.string().regex(/^\//, 'must start with /'),
        methods: z.array(z.string().min(1)).min(1).default(['*']),
        auth: z.enum(['required', 'anonymous']).default('required'),
        /** What a token must hold on this route; failing it is a 403 insufficient_scope. */
        require: profileRequirementSchema.optional(),
        forwardAuthorization: z.boolean().default(false),
        product: z.string().min(1).optional(),
        /** A key of `rateLimits`. */
        rateLimit: z.string().min(1).optional(),
      }),
    )
    .min(1),
  claimHeaders: claimHeadersSchema,
  /** Limits by name: key parts are verified claims (`sub`, `tid`, `azp`, …) or `ip`. */
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
      /** Claim values every token must hold; failing them is a token fault (APIM/Apigee), not a route's 403. */
      claimValues: z.array(profileRequirementSchema).optional(),
      /** false: `aud` is not checked at all (a policy without audiences); audience cases are then graded weaker. */
      checkAudience: z.boolean().optional(),
      /** Status for missing and invalid tokens when not 401 (APIM failed-validation-httpcode). */
      failureStatus: z.number().int().min(100).max(599).optional(),
      /** Where the token is read when not `Authorization: Bearer` / `access_token`. */
      headerName: z.string().min(1).optional(),
      scheme: z.enum(['bearer', 'bearer-optional']).optional(),
      queryParameter: z.string().min(1).optional(),
    })
    .prefault({}),
  jwks: z
    .strictObject({ refreshSeconds: z.number().positive(), unknownKidCooldownSeconds: z.number().min(0), staleIfErrorSeconds: z.number().min(0) })
    .optional(),
  /** Capabilities the suite may rely on (fixtures/features.json); cases needing a missing one are skipped with a reason. */
  features: z.array(z.string().min(1)).default([]),
}).superRefine((profile, ctx) => {
  if (profile.audiences.length === 0 && profile.token.checkAudience !== false) {
    ctx.addIssue({ code: 'custom', path: ['audiences'], message: 'is empty: list the audiences the target accepts, or set token.checkAudience: false if it checks none' });
  }
});

/** The contract as written in a profile file (defaults optional). */
export type TargetProfileInput = z.input<typeof targetProfileSchema>;

/** The contract as JSON Schema (what a profile file may contain), for editors and other tools. */
export function targetProfileJsonSchema(): Record<string, unknown> {
  return {
    title: 'gatecheck target contract (profile)',
    ...z.toJSONSchema(targetProfileSchema, { io: 'input', unrepresentable: 'any' }),
  };
}
