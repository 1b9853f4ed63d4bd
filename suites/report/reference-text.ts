import type { Reference } from '../harness/define-case.ts';

/** `RFC 6750 §3.1 <https://…>`: how plain-text reports cite a reference. */
export function referenceText(reference: Reference): string {
  const name = reference.section ? `${reference.doc} §${reference.section}` : reference.doc;
  return reference.url ? `${name} <${reference.url}>` : name;
}
