/**
 * `--only` patterns over case ids: `*` stays within one path segment, `**` crosses them, `?` is one
 * character; a pattern without `/` or glob characters names a whole category (`claims` = `claims/**`).
 * Several patterns may be given separated by commas; a case matches when any of them does.
 */
export function idGlob(patterns: string): (id: string) => boolean {
  const regexes = patterns
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => (/[/*?]/.test(p) ? p : `${p}/**`))
    .map(toRegex);
  if (regexes.length === 0) return () => true;
  return (id) => regexes.some((r) => r.test(id));
}

function toRegex(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      out += '.*';
      i++;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}
