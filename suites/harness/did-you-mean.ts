/**
 * ` (did you mean "NAME"?)` for the known name nearest to a mistyped one (Levenshtein distance,
 * case-insensitive), to put in a one-line error; '' when none is close enough to be a plausible typo
 * (at most 40 % of the input's length edited, at least one edit allowed). Ties go to the earlier name.
 */
export function didYouMean(input: string, names: Iterable<string>): string {
  const typed = input.toLowerCase();
  const allowed = Math.max(1, Math.floor(typed.length * 0.4));
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const name of names) {
    const d = distance(typed, name.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best === undefined || best === input ? '' : ` (did you mean "${best}"?)`;

  function distance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const current = [i];
      for (let j = 1; j <= b.length; j++) {
        current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      previous = current;
    }
    return previous[b.length];
  }
}
