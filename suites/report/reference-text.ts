import type { Reference } from '../harness/define-case.ts';

/** `RFC 6750 §3.1 <https://…>`: how plain-text reports cite a reference. */
export function referenceText(reference: Reference): string {
  const name = referenceName(reference);
  return reference.url ? `${name} <${reference.url}>` : name;
}

/** `RFC 6750 §3.1`: the reference as a reader names it. */
export function referenceName(reference: Reference): string {
  return reference.section ? `${reference.doc} §${reference.section}` : reference.doc;
}
