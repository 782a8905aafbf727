import { closest, distance } from 'fastest-levenshtein';

/** The candidate closest to `word`, when it is close enough to be a plausible typo. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(word, candidates as string[]);
  const d = distance(word.toLowerCase(), best.toLowerCase());
  const limit = Math.max(2, Math.floor(Math.max(word.length, best.length) / 3));
  if (d <= limit) return best;
  // a prefix of a longer key (`learning` for `learning_rate`) is a plausible miss too
  const prefixed = candidates.find((c) => word.length >= 3 && (c.startsWith(word) || c.endsWith(word) || word.startsWith(c)));
  return prefixed;
}

export function quoteList(items: readonly unknown[]): string {
  return items.map((i) => (typeof i === 'string' ? i : JSON.stringify(i))).join(', ');
}
