// "Did you mean" for unknown columns and functions: the closest candidate by words in common
// (so `Number of connections` finds `Number of Internet connection requests`) and by edit distance
// (so `usr.username` finds `user.username`).

export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** Words of a name, lower-cased, with a trailing plural `s` dropped (connections ≈ connection). */
function words(s: string): string[] {
  return s
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map((w) => (w.length > 3 && w.endsWith('s') ? w.slice(0, -1) : w));
}

/** The best candidate for `name`, or undefined when nothing is close enough to be a useful hint. */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const target = name.toLowerCase();
  const targetWords = words(name);
  let best: { c: string; score: number; dist: number } | undefined;
  for (const c of new Set(candidates)) {
    const lc = c.toLowerCase();
    const dist = levenshtein(target, lc);
    const editScore = 1 - dist / Math.max(target.length, lc.length, 1);
    const cw = new Set(words(c));
    const overlap = targetWords.length ? targetWords.filter((w) => cw.has(w)).length / targetWords.length : 0;
    const score = Math.max(editScore, overlap * 0.95);
    if (score < 0.5) continue;
    if (!best || score > best.score || (score === best.score && dist < best.dist)) best = { c, score, dist };
  }
  return best?.c;
}
