import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const asset = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');

let cached: { html: string; csp: string } | undefined;

/**
 * The workbench: one page with its stylesheet and script inline and nothing else. The policy allows
 * exactly those two (by hash) plus fetches to this origin, so the page works offline, and a token
 * that smuggled markup past the script's text-only rendering still could not run or load anything.
 */
export function workbenchPage(): { html: string; csp: string } {
  if (cached) return cached;
  const css = asset('workbench.css');
  const script = asset('workbench.js');
  const body = asset('workbench.html');
  const csp = [
    "default-src 'none'",
    `style-src '${sha256(css)}'`,
    `script-src '${sha256(script)}'`,
    "connect-src 'self'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>gatecheck mock IdP · workbench</title>
<style>${css}</style>
</head>
<body>
${body}
<script>${script}</script>
</body>
</html>
`;
  cached = { html, csp };
  return cached;
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}
