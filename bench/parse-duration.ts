/** `10s`, `1m`, `1500ms` or a bare number of seconds → whole seconds (wrk's resolution), at least 1. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) throw new RangeError(`--duration: expected e.g. 10s, 1m or 1500ms, got ${JSON.stringify(text)}`);
  const value = Number(match[1]);
  const seconds = match[2] === 'ms' ? value / 1000 : match[2] === 'm' ? value * 60 : value;
  return Math.max(1, Math.round(seconds));
}
