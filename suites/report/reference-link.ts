import type { Reference } from '../harness/define-case.ts';
import { html, type SafeHtml } from './html.ts';
import { referenceName } from './reference-text.ts';
import { referenceUrl } from './reference-url.ts';

/** A reference in HTML reports: a link to its public page where there is one, plain text where not. */
export function referenceLink(reference: Reference): SafeHtml {
  const text = referenceName(reference);
  const url = referenceUrl(reference);
  if (url) return html`<a href="${url}" rel="noopener noreferrer" target="_blank">${text}</a>`;
  // A case's own `javascript:` or `data:` URL is never a link: shown as inert text beside the name.
  return reference.url ? html`${text} (<code>${reference.url}</code>)` : html`${text}`;
}
