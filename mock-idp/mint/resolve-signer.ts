import type { KeyStore } from '../keys/key-store.ts';
import type { KeyState, SigningKey } from '../keys/signing-key.ts';
import { MintError } from './mint-error.ts';
import { publicKeyBytes } from './public-key-bytes.ts';
import type { ResolvedTokenRecipe } from './token-recipe.ts';

/** What actually produces the signature bytes for a recipe's `key`. */
export type Signer =
  | { kind: 'rsa'; key: SigningKey; kid: string; defaultAlg: 'RS256' }
  | { kind: 'hmac'; secret: Buffer; kid?: string; defaultAlg: string }
  | { kind: 'none'; kid?: string; defaultAlg: 'none' }
  | { kind: 'ecdsa-zero'; kid?: string; defaultAlg: 'ES256' };

/** Concurrent mints of an on-demand key share one key instead of each adding their own. */
const pending = new WeakMap<KeyStore, Map<KeyState, Promise<SigningKey>>>();

async function keyInState(keys: KeyStore, state: KeyState): Promise<SigningKey> {
  const existing = state === 'primary' ? keys.byState('primary') : keys.byState(state);
  if (existing) return existing;
  // Retired and attacker keys are never published, so creating one changes nothing a gateway can see.
  if (state === 'retired' || state === 'attacker') {
    let perStore = pending.get(keys);
    if (!perStore) pending.set(keys, (perStore = new Map()));
    let p = perStore.get(state);
    if (!p) {
      p = keys.add(state).finally(() => perStore.delete(state));
      perStore.set(state, p);
    }
    return p;
  }
  throw new MintError('ERR_MINT_NO_KEY', 'key', `the tenant has no ${state} key (rotate the keys first)`);
}

export async function resolveSigner(keys: KeyStore, spec: ResolvedTokenRecipe['key']): Promise<Signer> {
  // Forged signatures reuse the genuine primary kid: that is what an attacker copies from a real token.
  const genuineKid = () => keys.byState('primary')?.kid;
  if (typeof spec === 'string') {
    if (spec === 'none') return { kind: 'none', kid: genuineKid(), defaultAlg: 'none' };
    const key = await keyInState(keys, spec);
    return { kind: 'rsa', key, kid: key.kid, defaultAlg: 'RS256' };
  }
  switch (spec.type) {
    case 'kid': {
      const key = keys.find(spec.kid);
      if (!key) throw new MintError('ERR_MINT_NO_KEY', 'key.kid', `the tenant has no key with kid ${spec.kid}`);
      return { kind: 'rsa', key, kid: key.kid, defaultAlg: 'RS256' };
    }
    case 'hmac-with-public-key': {
      const key = await keyInState(keys, spec.of);
      return { kind: 'hmac', secret: publicKeyBytes(key, spec.encoding), kid: key.kid, defaultAlg: spec.alg };
    }
    case 'hmac':
      return { kind: 'hmac', secret: Buffer.from(spec.secret, 'utf8'), kid: genuineKid(), defaultAlg: spec.alg };
    case 'ecdsa-zero-signature':
      return { kind: 'ecdsa-zero', kid: genuineKid(), defaultAlg: 'ES256' };
  }
}
