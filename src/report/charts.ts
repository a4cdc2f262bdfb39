/**
 * The report's pictures, drawn by Observable Plot into SVG on a server-side DOM (linkedom): no
 * script is needed to show them. Axes and text use currentColor and series colours read on light
 * and dark backgrounds; every mark that holds a value carries it in a <title>, shown on hover.
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import type { EntryMap, StepSweep } from '../check/index.js';
import type { LossCurve, StateGradientNorms } from '../optim/index.js';
import { type Markup, trusted } from './markup.js';
import { decadeTicks, entryName, formatDecade, formatNumber } from './numbers.js';

/** A fixed class name (Plot's default is random): the same run renders the same page. */
const CLASS = 'gp-plot';

/** Colours that keep their contrast on a white and a near-black page. */
const SERIES = ['#4e79a7', '#e49444', '#59a14f', '#b07aa1'];
const WRONG = '#e03b3b';

const svgDocument = () => parseHTML('<!doctype html><html><body></body></html>').document;

function render(options: Plot.PlotOptions): Markup {
  return compact(Plot.plot({ document: svgDocument(), className: CLASS, ...options } as Plot.PlotOptions));
}

function renderLegend(options: Plot.LegendScales): Markup {
  return compact(Plot.legend({ document: svgDocument(), className: CLASS, ...options } as Plot.LegendScales));
}

/** Geometry attributes Plot writes to 15 digits: a tenth of a pixel is plenty. */
const GEOMETRY = /(\s(?:d|transform|x|y|x1|x2|y1|y2|cx|cy|r|width|height|viewBox)=")([^"]*)"/g;

function compact(element: unknown): Markup {
  const text = (element as { outerHTML: string }).outerHTML;
  return trusted(text.replace(GEOMETRY, (_, head: string, value: string) => `${head}${value.replace(/(\.\d)\d+/g, '$1')}"`));
}

interface Cell {
  x: string;
  y: string;
  index: number[];
  analytic: number;
  numeric: number | null;
  ratio: number | null;
  verdict: string;
  title: string;
}

/**
 * The entries of a map laid out as a grid: rows of the last axis under their leading multi-index,
 * when the rows are whole and not too long; a short vector in one row; otherwise flat indices
 * wrapped every WRAP entries.
 */
const WRAP = 16;
const LONGEST_ROW = 48;

interface Grid {
  cells: Cell[];
  x: { label: string; domain: string[] };
  y: { domain: string[] } | null;
}

function grid(map: EntryMap, name: string): Grid {
  const { shape, start } = map;
  const count = map.analytic.length;
  const rank = shape.length;
  const row = rank === 0 ? 1 : shape[rank - 1]!;
  const layout = rank >= 2 && row <= LONGEST_ROW && start % row === 0 && count % row === 0 ? 'rows' : count <= LONGEST_ROW ? 'line' : 'wrapped';
  const cells = map.analytic.map((analytic, i): Cell => {
    const flat = start + i;
    const index = unravel(flat, shape);
    const numeric = map.numeric[i] ?? null;
    const tolerance = map.tolerance[i] ?? null;
    const gap = numeric === null ? null : Math.abs(analytic - numeric);
    const ratio = gap === null || tolerance === null ? null : tolerance > 0 ? gap / tolerance : gap > 0 ? Infinity : 0;
    const verdict = map.verdict[i]!;
    const wrapStart = flat - (flat % WRAP);
    const [x, y] =
      layout === 'rows' ? [String(index[rank - 1]), leading(index)] : layout === 'line' ? [String(rank === 0 ? '·' : flat), ''] : [String(flat % WRAP), `${wrapStart}–${wrapStart + WRAP - 1}`];
    return { x, y, index, analytic, numeric, ratio, verdict, title: cellTitle(name, index, analytic, numeric, tolerance, verdict) };
  });
  const distinct = (values: string[]) => [...new Set(values)];
  const xLabel = layout === 'rows' ? 'last index' : layout === 'wrapped' ? `flat index mod ${WRAP}` : rank === 0 ? 'a scalar' : rank === 1 ? 'index' : 'flat index';
  return { cells, x: { label: xLabel, domain: distinct(cells.map((c) => c.x)) }, y: layout === 'line' ? null : { domain: distinct(cells.map((c) => c.y)) } };
}

function leading(index: readonly number[]): string {
  return `[${[...index.slice(0, -1), '·'].join(', ')}]`;
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index[axis] = flat % shape[axis]!;
    flat = Math.floor(flat / shape[axis]!);
  }
  return index;
}

const VERDICT_WORDS: Record<string, string> = { fail: 'WRONG', nonsmooth: 'at a kink (analytic between the one-sided derivatives)', agree: 'agrees', inconclusive: 'inconclusive (the finite differences cannot tell)', error: 'no finite difference here' };

function cellTitle(name: string, index: number[], analytic: number, numeric: number | null, tolerance: number | null, verdict: string): string {
  const lines = [`${entryName(name, index)}: ${VERDICT_WORDS[verdict] ?? verdict}`, `analytic  ${formatNumber(analytic)}`];
  if (numeric !== null) lines.push(`numeric   ${formatNumber(numeric)}`, `|diff|    ${formatNumber(Math.abs(analytic - numeric))}`);
  if (tolerance !== null) lines.push(`tolerance ${formatNumber(tolerance)}`);
  return lines.join('\n');
}

/** Cell size in pixels: large for a few entries, small for hundreds. */
function cellSize(columns: number, rows: number): number {
  return Math.max(12, Math.min(36, Math.floor(320 / Math.max(columns, rows))));
}

const RATIO_THRESHOLDS = [0.01, 0.1, 1, 10, 1000];
const RATIO_COLOURS = ['#c7e9c0', '#a1d99b', '#74c476', '#fdae61', '#f46d43', '#a50026'];

/** The smallest of 1, 2, 2.5, 5 times a power of ten at or above x: a legend's step. */
function niceStep(x: number): number {
  const power = 10 ** Math.floor(Math.log10(x));
  return [1, 2, 2.5, 5, 10].find((m) => m * power >= x * (1 - 1e-12))! * power;
}

/** One input's entries in three heatmaps, and their two legends. */
export interface EntryHeatmaps {
  /** The analytic derivatives, the numeric ones (one colour scale), and how many tolerances apart. */
  panels: [Markup, Markup, Markup];
  /** The derivatives' colour scale (for the first two panels), and the distances'. */
  legends: [Markup, Markup];
}

/**
 * Three heatmaps of one input's entries: the analytic derivatives, the numeric ones (on one colour
 * scale), and how far apart they are in tolerances. Entries that are not right are outlined and
 * marked (✕ wrong, ◆ a kink, ? no finite difference) in all three; every cell's multi-index and
 * values show on hover.
 */
export function entryHeatmaps(map: EntryMap, name: string): EntryHeatmaps {
  const { cells, x, y } = grid(map, name);
  const size = cellSize(x.domain.length, y?.domain.length ?? 1);
  const largest = Math.max(0, ...cells.flatMap((c) => [Math.abs(c.analytic), Math.abs(c.numeric ?? 0)]).filter(Number.isFinite));
  // eight colours, symmetric about 0, the outer two open-ended
  const step = largest > 0 ? niceStep(largest / 4) : 0.25;
  const marked = cells.filter((c) => c.verdict !== 'agree');
  const marginLeft = y ? 12 + 6 * Math.max(...y.domain.map((label) => label.length)) : 8;
  const width = marginLeft + 8 + x.domain.length * size;
  const layout = {
    width,
    height: 34 + (y?.domain.length ?? 1) * size,
    marginTop: 2,
    marginLeft,
    marginRight: 8,
    marginBottom: 32,
    x: { label: x.label, domain: x.domain, labelAnchor: 'center' as const, labelArrow: 'none' as const, tickSize: 0 },
    y: y ? { label: null, domain: y.domain, tickSize: 0 } : { axis: null },
  };
  const marks = (fill: keyof Cell) => [
    Plot.cell(cells, { x: 'x', y: 'y', fill, title: 'title', inset: 0.5 }),
    Plot.cell(marked, { x: 'x', y: 'y', fill: 'none', stroke: 'currentColor', strokeWidth: 2, inset: 1.5, className: 'gp-marked' }),
    Plot.text(marked, {
      x: 'x',
      y: 'y',
      text: (c: Cell) => (c.verdict === 'fail' ? '✕' : c.verdict === 'nonsmooth' ? '◆' : '?'),
      // dark on a white halo: readable on every cell colour, in either theme
      fill: '#1c2128',
      stroke: 'white',
      strokeWidth: 3,
      fontSize: Math.round(Math.min(16, size * 0.6)),
      title: 'title',
    }),
  ];
  const derivatives: Plot.ScaleOptions = { type: 'threshold', scheme: 'PuOr', domain: [-3, -2, -1, 0, 1, 2, 3].map((k) => k * step) };
  const distances: Plot.ScaleOptions = { type: 'threshold', domain: RATIO_THRESHOLDS, range: RATIO_COLOURS };
  const panel = (fill: 'analytic' | 'numeric' | 'ratio', color: Plot.ScaleOptions, what: string) =>
    render({ ...layout, ariaDescription: `${what} for each entry of ${name}`, color, marks: marks(fill) });
  return {
    panels: [
      panel('analytic', derivatives, 'the analytic derivative'),
      panel('numeric', derivatives, 'the finite-difference derivative'),
      panel('ratio', distances, 'the distance between them in tolerances'),
    ],
    legends: [
      renderLegend({ color: derivatives, label: `derivative per unit of the entry`, tickFormat: formatNumber, width: Math.max(320, 2 * width + 24), marginLeft: 8 }),
      renderLegend({ color: distances, label: '|analytic − numeric| / tolerance (over 1: wrong)', tickFormat: formatNumber, width: Math.max(240, width) }),
    ],
  };
}

/**
 * The step-size curve of one entry: the central difference's distance from the checker's
 * estimate against h (the V of truncation and rounding), the extrapolated estimate's, the
 * tolerance, and how far the analytic value is — all on log axes.
 */
export function stepCurve(sweep: StepSweep, name: string, analyticLabel: string): Markup {
  const { comparison } = sweep;
  const entry = entryName(name, sweep.index);
  const series = ['central difference', 'Richardson extrapolation'];
  const points = sweep.h.flatMap((h, i) =>
    ([sweep.central[i], sweep.extrapolated[i]] as (number | null | undefined)[]).flatMap((value, s) => {
      const error = value === null || value === undefined ? 0 : Math.abs(value - comparison.numeric);
      return error > 0 && Number.isFinite(error) ? [{ h, error, series: series[s]!, title: `${series[s]} at h = ${formatNumber(h)}: ${formatNumber(value!)} (off by ${formatNumber(error)})` }] : [];
    }),
  );
  const gap = Math.abs(comparison.analytic - comparison.numeric);
  const rules = [
    { y: comparison.tolerance, label: `tolerance ${formatNumber(comparison.tolerance)}`, colour: 'currentColor', dash: '5 3' },
    ...(gap > 0 ? [{ y: gap, label: `${analyticLabel} is off by ${formatNumber(gap)}`, colour: gap > comparison.tolerance ? WRONG : SERIES[2]!, dash: null }] : []),
  ].filter((r) => r.y > 0 && Number.isFinite(r.y));
  const hs = sweep.h.filter((h) => h > 0);
  return render({
    width: 560,
    height: 320,
    marginLeft: 60,
    marginRight: 20,
    ariaDescription: `finite-difference error against step size for ${entry}`,
    x: { type: 'log', label: `step h (in units of ${entry})`, labelAnchor: 'center', labelArrow: 'none', domain: [Math.min(...hs), Math.max(...hs)], ticks: decadeTicks(hs), tickFormat: formatDecade },
    y: { type: 'log', label: `|quotient − numeric derivative| (per unit of ${entry})`, labelArrow: 'none', grid: true, ticks: decadeTicks([...points.map((p) => p.error), ...rules.map((r) => r.y)]), tickFormat: formatDecade },
    color: { legend: true, domain: series, range: SERIES.slice(0, 2) },
    marks: [
      Plot.line(points, { x: 'h', y: 'error', stroke: 'series', strokeWidth: 1.5 }),
      Plot.dot(points, { x: 'h', y: 'error', fill: 'series', r: 2.5, title: 'title' }),
      Plot.ruleY(rules, { y: 'y', stroke: 'colour', strokeDasharray: 'dash', strokeWidth: 1.5 }),
      Plot.text(rules, { x: Math.max(...hs), y: 'y', text: 'label', textAnchor: 'end', dy: -6, fill: 'colour', stroke: 'var(--plot-background)', strokeWidth: 3 }),
    ],
  });
}

/**
 * One-sided difference quotients against h at a kink: from the left and from the right they head
 * for different limits, and the analytic value must lie between them.
 */
export function oneSidedCurve(sweep: StepSweep, name: string, analyticLabel: string): Markup {
  const { comparison } = sweep;
  const entry = entryName(name, sweep.index);
  const series = ['from the left', 'from the right', 'central'];
  const points = sweep.h.flatMap((h, i) =>
    [sweep.left[i], sweep.right[i], sweep.central[i]].flatMap((value, s) =>
      value === null || value === undefined ? [] : [{ h, value, series: series[s]!, title: `${series[s]} at h = ${formatNumber(h)}: ${formatNumber(value)}` }],
    ),
  );
  const rules = [
    { y: comparison.analytic, label: `${analyticLabel} ${formatNumber(comparison.analytic)}`, colour: comparison.verdict === 'fail' ? WRONG : SERIES[2]! },
    ...(comparison.oneSided ?? []).map((y, s) => ({ y, label: `limit ${series[s]} ${formatNumber(y)}`, colour: SERIES[s]! })),
  ];
  return render({
    width: 560,
    height: 320,
    marginLeft: 70,
    marginRight: 20,
    insetTop: 10,
    insetBottom: 10,
    ariaDescription: `one-sided difference quotients against step size for ${entry}`,
    x: { type: 'log', label: `step h (in units of ${entry})`, labelAnchor: 'center', labelArrow: 'none', ticks: decadeTicks(sweep.h), tickFormat: formatDecade },
    y: { label: `difference quotient of ⟨v, f⟩ per unit of ${entry}`, labelArrow: 'none', grid: true, tickFormat: formatNumber },
    color: { legend: true, domain: series, range: SERIES.slice(0, 3) },
    marks: [
      Plot.ruleY(rules, { y: 'y', stroke: 'colour', strokeDasharray: '5 3' }),
      Plot.line(points, { x: 'h', y: 'value', stroke: 'series', strokeWidth: 1.5 }),
      Plot.dot(points, { x: 'h', y: 'value', fill: 'series', r: 2.5, title: 'title' }),
      Plot.text(rules, { x: Math.max(...sweep.h), y: 'y', text: 'label', textAnchor: 'end', dy: -6, fill: 'colour', stroke: 'var(--plot-background)', strokeWidth: 3 }),
    ],
  });
}

/** The loss at each step of gradient descent, one line per backward (they should coincide). */
export function lossCurve(curves: readonly LossCurve[], optimizer: string): Markup {
  const points = curves.flatMap(({ backward, losses }) => losses.map((loss, step) => ({ step, loss, backward, title: `${backward}, step ${step}: loss ${formatNumber(loss)}` })));
  const values = points.map((p) => p.loss);
  const logarithmic = Math.min(...values) > 0 && Math.max(...values) / Math.min(...values) >= 30;
  const domain = curves.map((c) => c.backward);
  return render({
    width: 420,
    height: 260,
    marginLeft: 60,
    ariaDescription: `the loss over ${Math.max(...points.map((p) => p.step))} steps of ${optimizer}`,
    x: { label: `step of ${optimizer}`, labelAnchor: 'center', labelArrow: 'none' },
    y: logarithmic
      ? { type: 'log', label: 'loss', labelArrow: 'none', grid: true, ticks: decadeTicks(values), tickFormat: formatDecade }
      : { label: 'loss', labelArrow: 'none', grid: true, tickFormat: formatNumber },
    color: { legend: domain.length > 1, domain, range: SERIES.slice(0, domain.length) },
    marks: [
      // the hand-written backward dashed over the engine's: where they coincide, both show
      Plot.line(points.filter((p) => p.backward === 'engine'), { x: 'step', y: 'loss', stroke: 'backward', strokeWidth: 2 }),
      Plot.line(points.filter((p) => p.backward !== 'engine'), { x: 'step', y: 'loss', stroke: 'backward', strokeWidth: 2, strokeDasharray: '6 4' }),
      Plot.dot(points, { x: 'step', y: 'loss', fill: 'backward', r: 1.5, title: 'title' }),
    ],
  });
}

/**
 * ‖∂L/∂h_t‖ against the time step t, log scale, with the Pascanu bound where there is one. A bound
 * that grows past the frame is clipped there: it holds, but promises nothing.
 */
export function gradientNormCurve(norms: StateGradientNorms): Markup {
  const series = ['‖∂L/∂h_t‖₂', 'Pascanu bound ∏ max(1 − h²)·‖Wh‖_F · ‖∂L/∂h_T‖'];
  const points = [norms.norms, norms.bound ?? []].flatMap((values, s) =>
    values.flatMap((value, t) => (value > 0 && Number.isFinite(value) ? [{ t, value, series: series[s]!, title: `${s === 0 ? `‖∂L/∂h_${t}‖` : `bound at t = ${t}`}: ${formatNumber(value)}` }] : [])),
  );
  const shown = norms.norms.filter((v) => v > 0 && Number.isFinite(v));
  const domain = [Math.min(...shown) / 3, Math.min(Math.max(...shown) * 1e3, Math.max(...points.map((p) => p.value)))];
  return render({
    width: 420,
    height: 260,
    marginLeft: 60,
    ariaDescription: `the gradient reaching each of ${norms.steps} time steps`,
    x: { label: 'time step t', labelAnchor: 'center', labelArrow: 'none' },
    y: { type: 'log', label: '‖∂L/∂h_t‖₂', labelArrow: 'none', grid: true, domain, ticks: decadeTicks(domain), tickFormat: formatDecade },
    color: { legend: norms.bound !== null, domain: norms.bound ? series : series.slice(0, 1), range: SERIES.slice(0, norms.bound ? 2 : 1) },
    marks: [
      Plot.line(points.filter((p) => p.series === series[0]), { x: 't', y: 'value', stroke: 'series', strokeWidth: 2 }),
      Plot.line(points.filter((p) => p.series !== series[0]), { x: 't', y: 'value', stroke: 'series', strokeWidth: 2, strokeDasharray: '6 4', clip: true }),
      Plot.dot(points.filter((p) => p.series === series[0]), { x: 't', y: 'value', fill: 'series', r: 2, title: 'title' }),
    ],
  });
}
