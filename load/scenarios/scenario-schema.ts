import { z } from 'zod';

/**
 * A load scenario is data (a JSON file beside this one): both engines read the same file, the
 * embedded runner through this schema, k6 through the plan the runner generates from it.
 * Event times are fractions of the run so a scenario keeps its shape when `--duration` changes.
 */

const fraction = z.number().min(0).max(1);

export const TokenMixSchema = z.strictObject({
  /** A forge variant (`gatecheck mint --list`); its expected outcome is the forge's, not restated here. */
  variant: z.string().min(1),
  /** Distinct tokens in the pool: 1 repeats one token; many defeat verified-token caches. */
  count: z.number().int().min(1).max(1_000_000).default(1),
  weight: z.number().positive().default(1),
});

export const LoadModelSchema = z.discriminatedUnion('model', [
  /** Constant arrival rate (req/s); latency is measured from each request's intended send time. */
  z.strictObject({
    model: z.literal('open'),
    rate: z.number().positive().max(1_000_000),
    /** Keep-alive connections the client may open; requests beyond them queue, and the queueing counts as latency. */
    connections: z.number().int().min(1).max(10_000).default(64),
    /** Requests waiting beyond this are not sent but counted as `dropped` errors, so a stalled target cannot exhaust memory. */
    maxInFlight: z.number().int().positive().default(10_000),
  }),
  /** A fixed number of connections, each sending its next request when the last one answered. */
  z.strictObject({ model: z.literal('closed'), connections: z.number().int().min(1).max(10_000) }),
]);

export const ScenarioEventSchema = z.discriminatedUnion('action', [
  /** `POST /_admin/tenants/{tenant}/keys/rotate`: next → primary → previous, a fresh next is published. */
  z.strictObject({ action: z.literal('rotate-keys'), at: fraction, tenant: z.string().default('contoso') }),
  /** `PUT /_admin/tenants/{tenant}/faults/jwks` for `for` × duration seconds (the mock clears it itself). */
  z.strictObject({
    action: z.literal('jwks-fault'),
    at: fraction,
    for: fraction,
    kind: z.enum(['down', 'timeout', 'garbage', 'empty-keys', 'malformed-json']).default('down'),
    tenant: z.string().default('contoso'),
  }),
]);

export const ThresholdsSchema = z.strictObject({
  /** Corrected p99 in milliseconds; absent = latency not judged (correctness still is). */
  p99Ms: z.number().positive().optional(),
  /** Share of requests that are errors: a valid token refused, a bad token accepted, 5xx, transport errors. */
  maxErrorRate: z.number().min(0).max(1).default(0),
});

export const SaturationSchema = z.strictObject({
  startRate: z.number().positive(),
  /** Each step's rate is the previous one times this. */
  factor: z.number().min(1.05).max(10).default(1.5),
  stepSeconds: z.number().positive().max(600).default(5),
  maxSteps: z.number().int().min(1).max(50).default(10),
  /** A step is sustained when its p99 stays under this, it has no errors, and it reached 95 % of its rate. */
  p99Ms: z.number().positive(),
});

export const ScenarioSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().regex(/^[a-z][a-z0-9-]*$/),
    description: z.string().min(1),
    /** Request path on the target; the reference gateway's pass-through route is `/pass/…`. */
    path: z.string().startsWith('/').default('/api/orders'),
    /** Empty: no Authorization header (the pass-through baseline). */
    tokens: z.array(TokenMixSchema).default([]),
    load: LoadModelSchema,
    durationSeconds: z.number().positive().max(86_400).default(30),
    events: z.array(ScenarioEventSchema).default([]),
    thresholds: ThresholdsSchema.prefault({}),
    saturation: SaturationSchema.optional(),
  })
  .superRefine((s, ctx) => {
    s.events.forEach((e, i) => {
      if (e.action === 'jwks-fault' && e.at + e.for > 1) ctx.addIssue({ code: 'custom', path: ['events', i, 'for'], message: 'the fault window must end within the run (at + for ≤ 1)' });
    });
    if (s.saturation && s.load.model !== 'open') ctx.addIssue({ code: 'custom', path: ['load', 'model'], message: 'saturation steps an arrival rate: use the open model' });
  });

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type ScenarioEvent = z.infer<typeof ScenarioEventSchema>;
export type TokenMix = z.infer<typeof TokenMixSchema>;
export type LoadModel = z.infer<typeof LoadModelSchema>;
