const PEM_PRIVATE_KEY = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]*?-----END \1-----/g;
/** JWK members that make a key private (RFC 7518 §6.2.2, §6.3.2, §6.4.1; RFC 8037 `d`). */
const PRIVATE_JWK_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);
const SECRET_NAMES = /^(client_?secret|private_?key|password|passphrase)$/i;

/**
 * A deep copy with private key material and secrets replaced by "[redacted]". The report model holds
 * none, and reports get attached to CI runs and shared; this keeps it that way even if a target
 * profile or a recipe someday carries a private JWK, a PEM key or a client secret.
 */
export function redactSecrets<T>(value: T): T {
  return redact(value) as T;
}

function redact(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(PEM_PRIVATE_KEY, '[redacted $1]');
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object' || value instanceof RegExp) return value;
  const isJwk = typeof (value as Record<string, unknown>).kty === 'string';
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    out[key] = (isJwk && PRIVATE_JWK_MEMBERS.has(key)) || SECRET_NAMES.test(key) ? '[redacted]' : redact(member);
  }
  return out;
}
