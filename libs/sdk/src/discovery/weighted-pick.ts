/**
 * One of `items`, chosen with probability proportional to its weight; weight 0 (draining) is never
 * chosen. Undefined when nothing has a positive weight.
 */
export function pickWeighted<T extends { weight: number }>(
  items: readonly T[],
  random: () => number = Math.random,
): T | undefined {
  let total = 0;
  for (const item of items) if (item.weight > 0) total += item.weight;
  if (total <= 0) return undefined;
  let point = random() * total;
  let last: T | undefined;
  for (const item of items) {
    if (item.weight <= 0) continue;
    last = item;
    point -= item.weight;
    if (point < 0) return item;
  }
  // random() returned (almost) 1 and rounding left a sliver: the last candidate owns it.
  return last;
}
