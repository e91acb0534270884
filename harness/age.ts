/** "30m", "6h", "2d" or "0" as milliseconds; null if it is none of those. */
export function parseAge(text: string): number | null {
  if (text === '0') return 0;
  const m = /^(\d+)([mhd])$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
}
