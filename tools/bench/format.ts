/** Number formats of the printed table. */
export const fmt = (n: number, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const ms = (n: number) => `${fmt(n, n < 10 ? 1 : 0)} ms`;
