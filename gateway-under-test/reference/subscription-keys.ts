import { createHash, timingSafeEqual } from 'node:crypto';
import type { GatewayConfig } from './config.ts';

/**
 * APIM-style subscription keys per product. Keys are held as SHA-256 digests and compared in constant
 * time so neither memory dumps nor timing reveal them.
 */
export class SubscriptionKeys {
  readonly header: string;
  readonly query: string;
  #products = new Map<string, Buffer[]>();

  constructor(config: NonNullable<GatewayConfig['subscriptions']>) {
    this.header = config.header.toLowerCase();
    this.query = config.query;
    for (const p of config.products) this.#products.set(p.name, p.keys.map(digest));
  }

  valid(product: string, key: string): boolean {
    const wanted = this.#products.get(product);
    if (!wanted) return false;
    const d = digest(key);
    let ok = false;
    for (const w of wanted) ok = timingSafeEqual(w, d) || ok;
    return ok;
  }
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}
