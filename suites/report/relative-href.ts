/**
 * A relative file path (`/`-separated, `..` allowed) as a URL path every renderer can embed: each segment
 * percent-encoded, parentheses too, so a target named `node:jose` or `a (b)` neither reads as a URL
 * scheme nor closes a Markdown link early.
 */
export function relativeHref(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[()'*!]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}
