import { MintError } from './mint-error.ts';
import type { TamperSchema } from './token-recipe.ts';
import type { z } from 'zod';

type ResolvedTamper = z.output<typeof TamperSchema>;
const INDEX = { header: 0, payload: 1, signature: 2 } as const;

function decodeObject(segment: string, field: string): Record<string, unknown> {
  try {
    const value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch {
    // fall through
  }
  throw new MintError('ERR_MINT_TAMPER', field, 'the segment is not a JSON object, so members cannot be merged into it');
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** One tampering step on a finished compact token; the signature is never recomputed. */
export function applyTamper(token: string, tamper: ResolvedTamper, field = 'tamper'): string {
  const parts = token.split('.');
  switch (tamper.type) {
    case 'flip-bit': {
      const i = INDEX[tamper.segment];
      const bytes = Buffer.from(parts[i] ?? '', 'base64url');
      if (bytes.length === 0) throw new MintError('ERR_MINT_TAMPER', `${field}.segment`, `the ${tamper.segment} is empty`);
      const at = tamper.byte < 0 ? bytes.length + tamper.byte : tamper.byte;
      if (at < 0 || at >= bytes.length) throw new MintError('ERR_MINT_TAMPER', `${field}.byte`, `the ${tamper.segment} has ${bytes.length} bytes`);
      bytes[at] ^= 1 << tamper.bit;
      parts[i] = bytes.toString('base64url');
      return parts.join('.');
    }
    case 'strip-signature':
      return `${parts[0]}.${parts[1]}.`;
    case 'swap-payload':
      parts[1] = encode({ ...decodeObject(parts[1] ?? '', `${field}.claims`), ...tamper.claims });
      return parts.join('.');
    case 'swap-header':
      parts[0] = encode({ ...decodeObject(parts[0] ?? '', `${field}.header`), ...tamper.header });
      return parts.join('.');
    case 'segments': {
      const out = parts.slice(0, tamper.count);
      while (out.length < tamper.count) out.push(parts[2] ?? '');
      return out.join('.');
    }
    case 'invalid-chars': {
      const i = INDEX[tamper.segment];
      const s = parts[i] ?? '';
      const mid = Math.floor(s.length / 2);
      parts[i] = s.slice(0, mid) + tamper.chars + s.slice(mid);
      return parts.join('.');
    }
    case 'padding': {
      const i = INDEX[tamper.segment];
      const s = parts[i] ?? '';
      // A segment whose length is already a multiple of 4 gets "==" anyway, so the step always changes the token.
      parts[i] = s + '='.repeat((4 - (s.length % 4)) % 4 || 2);
      return parts.join('.');
    }
    case 'wrap':
      return `${tamper.prefix}${token}${tamper.suffix}`;
  }
}
