import { createHash } from 'node:crypto';
import { html, trustedHtml, type SafeHtml } from './html.ts';

/**
 * A self-contained page. The Content-Security-Policy allows exactly the page's own style and script
 * (by hash) and nothing from the network: even if some hostile string slipped past escaping, an
 * injected script or stylesheet would not run, and opening the report offline never fetches anything.
 */
export function htmlPage({ title, css, script, body }: { title: string; css: string; script: string; body: SafeHtml }): string {
  const csp = [
    "default-src 'none'",
    `style-src '${sha256(css)}'`,
    `script-src '${sha256(script)}'`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${trustedHtml(css)}</style>
</head>
<body>
${body}
<script>${trustedHtml(script)}</script>
</body>
</html>
`.value;
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}
