import type { KeyObject } from 'node:crypto';
import { createSigningKey, type KeyState, type PublicRsaJwk, type SigningKey, type SigningKeyOptions } from './signing-key.ts';

/** States whose keys appear in the tenant's JWKS. `retired` and `attacker` keys can sign but are never published. */
export const PUBLISHED_STATES: readonly KeyState[] = ['next', 'primary', 'previous'];

const JWKS_ORDER: readonly KeyState[] = ['primary', 'next', 'previous'];

/**
 * The store's keys and their states at one moment. It holds the keys themselves, so it must stay in
 * the process that owns the store: the control API hands out an id for it, never its content.
 */
export interface KeyCheckpoint {
  readonly version: number;
  readonly keys: readonly { readonly key: SigningKey; readonly state: KeyState }[];
}

/**
 * One tenant's signing keys. Entra always publishes several keys; a new key is published (`next`)
 * before it signs, and the key it replaces stays published (`previous`) for an overlap before it
 * leaves (`retired`). `version` changes on every mutation so consumers (the provider) can rebuild.
 */
export class KeyStore {
  #keys: SigningKey[] = [];
  #version = 0;
  #restores = 0;
  #listeners = new Set<() => void>();

  static async create({ primary }: { primary?: KeyObject } = {}): Promise<KeyStore> {
    const store = new KeyStore();
    const [p, n] = await Promise.all([createSigningKey('primary', { privateKey: primary }), createSigningKey('next')]);
    store.#keys.push(p, n);
    return store;
  }

  get version(): number {
    return this.#version;
  }

  /** How many times `restore` changed the keys: work scheduled before a restore (a rotation's overlap) checks it and stands down. */
  get restores(): number {
    return this.#restores;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  list(): readonly SigningKey[] {
    return this.#keys;
  }

  find(kid: string): SigningKey | undefined {
    return this.#keys.find((k) => k.kid === kid);
  }

  /** The newest key in `state`, if any. */
  byState(state: KeyState): SigningKey | undefined {
    return this.#keys.findLast((k) => k.state === state);
  }

  primary(): SigningKey {
    const key = this.byState('primary');
    if (!key) throw new Error('key store has no primary key');
    return key;
  }

  published(): SigningKey[] {
    return this.#keys.filter((k) => PUBLISHED_STATES.includes(k.state));
  }

  /** The JWKS as served: public members only, order as Entra's (meaningless, primary first). */
  jwks(issuer?: string): { keys: PublicRsaJwk[] } {
    const order = (k: SigningKey) => JWKS_ORDER.indexOf(k.state);
    return { keys: this.published().sort((a, b) => order(a) - order(b)).map((k) => k.publicJwk(issuer)) };
  }

  /**
   * Adds a key (generated unless given) in `state`. A second `primary` demotes the current one to
   * `previous`. `options` can make it deliberately weak (`modulusLength: 1024`) or give it a chosen kid,
   * which must not be taken already.
   */
  async add(state: KeyState, privateKey?: KeyObject, options: Omit<SigningKeyOptions, 'privateKey'> = {}): Promise<SigningKey> {
    if (options.kid !== undefined && this.find(options.kid)) throw new Error(`a key with kid ${options.kid} already exists`);
    const key = await createSigningKey(state, { ...options, privateKey });
    if (state === 'primary') this.#setState(this.byState('primary'), 'previous');
    this.#keys.push(key);
    this.#changed();
    return key;
  }

  remove(kid: string): boolean {
    const before = this.#keys.length;
    this.#keys = this.#keys.filter((k) => k.kid !== kid);
    if (this.#keys.length === before) return false;
    this.#changed();
    return true;
  }

  setState(kid: string, state: KeyState): SigningKey {
    const key = this.find(kid);
    if (!key) throw new Error(`no key with kid ${kid}`);
    this.#setState(key, state);
    this.#changed();
    return key;
  }

  /**
   * Entra-like rollover: the published `next` key starts signing, the old primary stays published as
   * `previous`, the former `previous` leaves the JWKS (`retired`), and a fresh `next` is published.
   */
  async rotate(): Promise<{ primary: SigningKey; previous?: SigningKey; next: SigningKey }> {
    const fresh = await createSigningKey('next');
    for (const k of this.#keys.filter((k) => k.state === 'previous')) this.#setState(k, 'retired');
    const previous = this.byState('primary');
    this.#setState(previous, 'previous');
    const promoted = this.byState('next') ?? fresh;
    this.#setState(promoted, 'primary');
    if (promoted !== fresh) this.#keys.push(fresh);
    else this.#keys.push(await createSigningKey('next'));
    this.#changed();
    return { primary: this.primary(), previous, next: this.byState('next')! };
  }

  /** The keys in order with their states, to put back with `restore`. */
  checkpoint(): KeyCheckpoint {
    return { version: this.#version, keys: this.#keys.map((key) => ({ key, state: key.state })) };
  }

  /**
   * Puts the keys back as `checkpoint` found them: the same keys (kids, certificates, private halves) in
   * the same order and states; keys added since are dropped, keys removed since return. Nothing changes,
   * and no listener runs, when nothing changed since the checkpoint.
   */
  restore(checkpoint: KeyCheckpoint): void {
    if (checkpoint.version === this.#version) return;
    for (const { key, state } of checkpoint.keys) this.#setState(key, state);
    this.#keys = checkpoint.keys.map(({ key }) => key);
    this.#restores++;
    this.#changed();
  }

  #setState(key: SigningKey | undefined, state: KeyState): void {
    if (key) (key as { state: KeyState }).state = state;
  }

  #changed(): void {
    this.#version++;
    for (const l of this.#listeners) l();
  }
}
