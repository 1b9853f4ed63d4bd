import type { Observation } from '../harness/run-report.ts';

/** Bash quoting that keeps every byte: plain single quotes, or `$'…'` when control characters are inside. */
function shellQuote(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x1f\x7f]/.test(value)) return `'${value.replaceAll("'", `'\\''`)}'`;
  const escaped = [...value]
    .map((ch) => {
      const code = ch.charCodeAt(0);
      if (ch === '\\' || ch === "'") return `\\${ch}`;
      if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
      return ch;
    })
    .join('');
  return `$'${escaped}'`;
}

/** gatecheck's own bookkeeping (the request id the echo upstream correlates), meaningless to a vendor. */
const HARNESS_HEADER = /^x-gatecheck-/i;

/**
 * The request exactly as the harness sent it, as one `curl` command a vendor can paste (a raw request:
 * one bash command writing its bytes to a socket): raw path
 * (`--path-as-is`, no URL normalisation), header lines in order with duplicates, body byte for byte.
 * The token in it is the one sent; once it has expired, mint an equivalent one from the case's recipe.
 */
export function curlCommand(request: Observation['request']): string {
  // Bytes curl would not send as they are (two requests, a space before a colon): bash's /dev/tcp does.
  if (request.raw !== undefined) {
    const { hostname, port } = new URL(request.url);
    return `bash -c 'exec 3<>/dev/tcp/${hostname}/${port || 80}; printf %s "$0" >&3; timeout 5 cat <&3' ${shellQuote(request.raw)}`;
  }
  const parts = ['curl', '-sS', '-i', '--path-as-is', '-X', request.method];
  for (const [name, value] of request.headers) {
    if (HARNESS_HEADER.test(name)) continue;
    parts.push('-H', shellQuote(`${name}: ${value}`));
  }
  if (request.body !== undefined) parts.push('--data-binary', shellQuote(request.body));
  parts.push(shellQuote(request.url));
  return parts.join(' ');
}
