/** Numbers and entries as the page writes them. */

/** 4 significant digits, in exponent form when very large or small: −0.03522, 1.409e−6. */
export function formatNumber(x: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const magnitude = Math.abs(x);
  const text = magnitude >= 1e-3 && magnitude < 1e5 ? String(Number(x.toPrecision(4))) : x.toExponential(2);
  return text.replace(/-/g, '−');
}

/** "x[0, 1]" for an entry of input x; a scalar input is just "x". */
export function entryName(input: string, index: readonly number[]): string {
  return index.length === 0 ? input : `${input}[${index.join(', ')}]`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const SUPERSCRIPTS = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** A log axis's tick label: the decades, 10⁻⁶ … 0.01, 0.1, 1, 10, 100, 1000 … 10⁹; other ticks unlabelled. */
export function formatDecade(x: number): string {
  const exponent = Math.log10(x);
  const n = Math.round(exponent);
  if (!Number.isFinite(exponent) || Math.abs(exponent - n) > 1e-9) return '';
  if (n >= -2 && n <= 3) return String(Number((10 ** n).toPrecision(1)));
  return `10${n < 0 ? '⁻' : ''}${String(Math.abs(n)).replace(/\d/g, (d) => SUPERSCRIPTS[Number(d)]!)}`;
}

/**
 * The powers of ten between the smallest and the largest value, at most `most` of them (every k-th
 * decade); undefined when fewer than two fit, to leave the ticks to the plotting library.
 */
export function decadeTicks(values: readonly number[], most = 8): number[] | undefined {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  const low = Math.ceil(Math.log10(Math.min(...positive)));
  const high = Math.floor(Math.log10(Math.max(...positive)));
  if (positive.length === 0 || high - low < 1) return undefined;
  const every = Math.ceil((high - low + 1) / most);
  const ticks: number[] = [];
  for (let e = high; e >= low; e -= every) ticks.unshift(Number(`1e${e}`));
  return ticks;
}
