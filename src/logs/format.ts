/** Token counts as people read them: 950, 1.2k, 3.4M (tables, panes, status bar). */
export const formatCount = (n: number): string =>
  n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)}M` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
