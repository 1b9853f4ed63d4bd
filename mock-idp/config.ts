import { z } from 'zod';
import { DEFAULT_TENANTS_DIR } from './tenants/load-tenants.ts';
import { GatecheckError } from '../errors/index.ts';

/** Every mock-idp setting and its default, in one place. The CLI maps flags onto this; nothing else has defaults. */
export const MockIdpConfigSchema = z.strictObject({
  /** Loopback by default: the control API mints tokens for anyone who can reach it. */
  host: z.string().default('127.0.0.1'),
  /** 0 picks a free port (tests); the CLI defaults to 9400. */
  port: z.number().int().min(0).max(65535).default(0),
  /** A tenant YAML file or a directory of them. */
  tenants: z.string().default(DEFAULT_TENANTS_DIR),
  /** `DIR/<tenant name>.pem` (PKCS#8) or `.jwk.json`: the tenant's primary signing key. Others are generated. */
  keysDir: z.string().optional(),
  /** Writes each tenant's generated primary key as `DIR/<tenant name>.pem`; refuses to overwrite. */
  saveKeysDir: z.string().optional(),
  /** HTTPS with a generated local CA; its certificate is written to `tlsDir` (a fresh temp dir by default). */
  tls: z.boolean().default(false),
  tlsDir: z.string().optional(),
  issuerStyle: z.enum(['local', 'entra']).default('local'),
  /** The origin clients see, when it differs from the listening socket (a proxy in front). */
  publicUrl: z.url().optional(),
  /** Entra issues access tokens with a random lifetime of 60–90 minutes. */
  tokenLifetimeSeconds: z
    .strictObject({ min: z.number().int().positive(), max: z.number().int().positive() })
    .refine((l) => l.min <= l.max, 'min must not exceed max')
    .default({ min: 3600, max: 5400 }),
  idTokenLifetimeSeconds: z.number().int().positive().default(3600),
  /** The device code flow: how often clients may poll, and how long a code lives (Entra: 5 s and 15 minutes). */
  deviceCode: z
    .strictObject({
      intervalSeconds: z.number().int().min(1).max(60).default(5),
      lifetimeSeconds: z.number().int().min(1).max(3600).default(900),
    })
    .default({ intervalSeconds: 5, lifetimeSeconds: 900 }),
  /**
   * The `X-IDENTITY-HEADER` value App Service's managed-identity endpoint expects (every tenant's);
   * default: a fresh random one per start, as App Service rotates it. `GET /` shows it either way.
   */
  identityHeader: z.string().min(8).max(200).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces').optional(),
  /**
   * How long a gateway may cache the revocation list (`Cache-Control: max-age`): the bound, in seconds,
   * on how late it learns of a revoked user or session. 0: it must ask every time.
   */
  revocationListMaxAgeSeconds: z.number().int().min(0).max(3600).default(1),
  /** Required as a bearer token on /_admin when set; without it /_admin answers loopback callers only. */
  adminToken: z.string().min(16).optional(),
});

export type MockIdpConfig = z.input<typeof MockIdpConfigSchema>;
export type ResolvedMockIdpConfig = z.output<typeof MockIdpConfigSchema>;

export class MockIdpConfigError extends GatecheckError {
  /** Set when the listen port is the problem (in use, privileged): each caller names its own way to pick another. */
  readonly port: number | undefined;
  constructor(message: string, options: { port?: number } = {}) {
    super('ERR_MOCK_IDP_CONFIG', message);
    this.port = options.port;
  }
}

export function resolveMockIdpConfig(input: MockIdpConfig = {}): ResolvedMockIdpConfig {
  const parsed = MockIdpConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '');
    throw new MockIdpConfigError(`mock-idp config${key ? ` key "${key}"` : ''}: ${issue.message}`);
  }
  return parsed.data;
}
