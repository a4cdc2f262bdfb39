/**
 * The report page: one self-contained HTML file from a run's JSON result. Styles, script and
 * pictures are inline, and a Content-Security-Policy forbids every request, so it opens from disk
 * and nothing it shows can reach the network.
 */
import type { Diagnostics } from '../check/index.js';
import { entryHeatmaps, gradientNormCurve, lossCurve, oneSidedCurve, stepCurve } from './charts.js';
import { type Content, type Markup, html, trusted } from './markup.js';
import { entryName, formatDuration, formatNumber } from './numbers.js';
import { type ReportedLaw, type ReportedRun, type ReportedTarget, asRun } from './run.js';
import { SCRIPT } from './script.js';
import { STYLE } from './style.js';

const POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

/** Render a run (the JSON of `gradprop --json`, or shards merged with mergeRuns) as one HTML page. */
export function renderHtml(result: ReportedRun): string {
  const run = asRun(result, 'the result');
  const title = `gradprop ${commandLine(run)}: ${run.exitCode === 0 ? 'PASS' : 'FAIL'}`;
  const failing = run.targets.filter((t) => t.verdict !== 'pass');
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${trusted(STYLE)}</style>
</head>
<body>
${summary(run)}
${toolbar(run)}
<main>
${failing.length > 0 ? html`<h2 id="failures">Failures</h2>${failing.map((t) => failureCard(t, run))}` : ''}
${targetTable(run)}
${models(run)}
${power(run)}
${skipped(run)}
</main>
<footer>Rendered by gradprop from the run's JSON result. Everything on this page is inline; it makes no network request.</footer>
<script>${trusted(SCRIPT)}</script>
</body>
</html>
`;
  return hoistStyles(page.text);
}

/**
 * Every chart carries the plotting library's stylesheet for its class; the page needs each one
 * once, in its head.
 */
function hoistStyles(page: string): string {
  const [head, body] = page.split('</head>') as [string, string];
  const sheets = new Set<string>();
  const lean = body.replace(/<style>([\s\S]*?)<\/style>/g, (_, sheet: string) => (sheets.add(sheet), ''));
  return `${head}${[...sheets].map((sheet) => `<style>${sheet}</style>\n`).join('')}</head>${lean}`;
}

function commandLine({ command, modules, options }: ReportedRun): string {
  const scope = [
    options.filter !== null && `--filter ${options.filter}`,
    options.law !== null && `--law ${options.law}`,
    options.shard !== null && `--shard ${options.shard}`,
  ].filter(Boolean);
  return [command, ...modules, ...scope].join(' ');
}

/** A CSS class for a verdict: known ones are coloured, any other is shown plain. */
const verdictClass = (verdict: string) => `v-${verdict.toLowerCase().replace(/[^a-z0-9-]/g, '')}`;
const badge = (verdict: string) => html`<span class="badge ${verdictClass(verdict)}">${verdict}</span>`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const entries = (n: number) => `${n} ${n === 1 ? 'entry' : 'entries'}`;
const targetAnchor = (run: ReportedRun, target: ReportedTarget) => `target-${run.targets.indexOf(target)}`;

function countBy(values: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts];
}

function summary(run: ReportedRun): Markup {
  const laws = run.targets.flatMap((t) => t.laws);
  const verdict = run.exitCode === 0 ? 'pass' : 'fail';
  const lawCounts = countBy(laws.map((l) => l.verdict));
  const { options } = run;
  const replays = laws.flatMap((l) => (l.replay === null ? [] : [l.replay]));
  return html`<header class="summary"><div>
<span class="verdict ${verdictClass(verdict)}">${verdict.toUpperCase()}</span>
<div>
<h1>gradprop ${commandLine(run)}</h1>
<p class="meta">seed ${options.seed} · ${plural(options.runs, 'case')} per law · ${options.mode} mode${options.order === 2 ? ' · order 2' : ''} · ${formatDuration(run.durationMs)} · exit code ${run.exitCode}</p>
<div class="counts"><span><b>${run.targets.length}</b> ${run.targets.length === 1 ? 'target' : 'targets'}</span><span><b>${laws.length}</b> ${laws.length === 1 ? 'law run' : 'law runs'}:</span>${lawCounts.map(([v, n]) => html`<span>${badge(v)} <b>${n}</b></span>`)}${run.moduleErrors.length > 0 ? html`<span>${badge('error')} <b>${run.moduleErrors.length}</b> ${run.moduleErrors.length === 1 ? 'module' : 'modules'} not loaded</span>` : ''}${run.skipped.length > 0 ? html`<span><b>${run.skipped.length}</b> ${run.skipped.length === 1 ? 'export' : 'exports'} skipped</span>` : ''}</div>
${replays.length > 0 ? html`<details class="replays"><summary>${plural(replays.length, 'replay command')}, one per failure</summary><div class="replay"><pre><code>${replays.join('\n')}</code></pre><button type="button" data-copy>Copy</button></div></details>` : ''}
</div>
</div></header>`;
}

function toolbar(run: ReportedRun): Markup {
  const verdicts = countBy(run.targets.map((t) => t.verdict));
  const anyFailing = verdicts.some(([v]) => v !== 'pass');
  // with failures, passing targets start folded away: a click shows them
  return html`<nav class="toolbar"><div>
<span class="muted">Targets:</span>
${verdicts.map(([v, n]) => html`<button type="button" data-filter="${v}" aria-pressed="${String(!(anyFailing && v === 'pass'))}" class="${verdictClass(v)}">${v} ${n}</button>`)}
<input id="search" type="search" placeholder="filter by target id" aria-label="filter targets by id">
<button type="button" id="expand">expand all</button><button type="button" id="collapse">collapse all</button>
<span id="hidden-note"></span>
</div></nav>`;
}

function failureCard(target: ReportedTarget, run: ReportedRun): Markup {
  const where = target.module === null ? target.kind : `${target.kind} · ${target.module}`;
  const failed = target.laws.filter((l) => l.verdict !== 'pass' && l.verdict !== 'skipped');
  return html`<article class="card ${verdictClass(target.verdict)}" id="${targetAnchor(run, target)}" data-verdict="${target.verdict}" data-id="${target.id}">
<h3>${badge(target.verdict)} ${target.id} <small>${where}</small></h3>
${target.message !== null ? html`<p class="message">${target.message}</p>` : ''}
${failed.map((law, i) => lawSection(law, run.options.order ?? 1, failed.slice(0, i).find((earlier) => earlier.diagnostics && earlier.counterexample === law.counterexample)))}
</article>`;
}

/**
 * A law's failure; its pictures are not drawn twice when an earlier law failed at the same
 * counterexample. In a run that checked the second order, which order the failure is of.
 */
function lawSection(law: ReportedLaw, runOrder: number, sameCase?: ReportedLaw): Markup {
  const order = runOrder === 2 && typeof law.order === 'number' ? `${law.order === 2 ? 'second' : 'first'} order` : '';
  const after = law.cases > 0 ? `after ${plural(law.cases, 'case')}${law.shrinks > 0 ? `, shrunk ${plural(law.shrinks, 'time')}` : ''}` : '';
  return html`<section class="law">
<h4>${badge(law.verdict)} ${law.law} <small>${[order, after].filter(Boolean).join(' · ')}</small></h4>
${law.message !== null ? html`<p class="message">${law.message}</p>` : ''}
${law.replay !== null ? html`<div class="replay"><pre><code>${law.replay}</code></pre><button type="button" data-copy>Copy</button></div>` : ''}
${law.counterexample !== null ? html`<details open><summary>Counterexample (shrunk)</summary><pre><code>${law.counterexample}</code></pre></details>` : ''}
${law.diagnostics ? (sameCase ? html`<p class="muted">The same counterexample as ${sameCase.law} above: its pictures show this case too.</p>` : diagnosticFigures(law.diagnostics)) : ''}
${law.report !== null ? html`<details open><summary>Checker report</summary><pre>${law.report}</pre></details>` : ''}
${law.test !== null ? html`<details><summary>As a test of its own</summary><div class="replay"><pre><code>${law.test}</code></pre><button type="button" data-copy>Copy</button></div></details>` : ''}
</section>`;
}

/** Inputs are named x₀, x₁, … on the page: a Differentiable does not name its inputs. */
const inputName = (k: number) => `x${String(k).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[Number(d)]!)}`;

function diagnosticFigures(d: Diagnostics): Markup {
  const analyticLabel = d.quantity === 'vjp' ? 'the vjp' : 'the jvp';
  const projection = d.cotangent.kind === 'random' ? `⟨v, ∂f/∂x⟩ for a random cotangent v (seed ${d.cotangent.seed})` : `∂f${entryName('', d.cotangent.index)}/∂x, the output entry the check failed at`;
  const maps = d.inputs.map((map) => {
    const name = inputName(map.input);
    const size = map.shape.reduce((n, s) => n * s, 1);
    const count = map.analytic.length;
    const wrong = map.verdict.filter((v) => v === 'fail').length;
    const extent = count === size ? (size === 1 ? 'its one entry' : `all ${entries(size)}`) : `entries ${map.start}–${map.start + count - 1} of ${size} (flat), around the worst — at most ${d.maxEntries} per input are compared`;
    const { panels, legends } = entryHeatmaps(map, name);
    const titles = [analyticLabel, 'finite differences', `|${d.quantity} − finite differences| / tolerance`];
    return html`<figure class="heatmap" data-input="${map.input}"><div class="entrymap">${panels.map((panel, i) => html`<div><div class="panel-title">${titles[i]}</div>${panel}</div>`)}<div class="legend wide">${legends[0]}</div><div class="legend">${legends[1]}</div></div>
<figcaption><b>${name}</b> (input ${map.input}), shape [${map.shape.join(', ')}]: ${extent}. ${wrong > 0 ? html`<b>${entries(wrong)} wrong</b> (✕).` : 'No entry wrong.'}</figcaption></figure>`;
  });
  const legend = html`<p class="muted">Each cell is ${projection}${d.cotangent.kind === 'random' ? " — the diagnosis's own v, so the values are not the checker report's" : ''}: ${analyticLabel} against finite differences, and their distance in tolerances. Hover a cell for its multi-index and values. (Drawing these took ${plural(d.evaluations.forward, 'forward call')}, ${plural(d.evaluations.vjp, 'vjp')}${d.evaluations.jvp > 0 ? ` and ${plural(d.evaluations.jvp, 'jvp')}` : ''}.)</p>`;
  const steps = d.steps;
  const sweep = steps
    ? html`<figure class="steps">${stepCurve(steps, inputName(steps.input), analyticLabel)}
<figcaption><b>Step sizes at ${entryName(inputName(steps.input), steps.index)}</b> (${steps.comparison.verdict === 'fail' ? 'the worst entry' : 'the entry in focus'}): how far the central difference (φ(h) − φ(−h))/2h and its Richardson extrapolation are from the checker's numeric derivative ${formatNumber(steps.comparison.numeric)}. Truncation shrinks them as h falls (right to left), until rounding in the forward takes over: the V. The tolerance ${formatNumber(steps.comparison.tolerance)} sits above what the finite differences can vouch for; ${analyticLabel}'s value ${formatNumber(steps.comparison.analytic)} is ${formatNumber(Math.abs(steps.comparison.analytic - steps.comparison.numeric))} away${steps.comparison.verdict === 'fail' ? html` — <b>${formatNumber(Math.abs(steps.comparison.analytic - steps.comparison.numeric) / steps.comparison.tolerance)} times the tolerance</b>` : ''}.</figcaption></figure>`
    : html`<p class="muted">No entry could be compared by finite differences at this counterexample.</p>`;
  const kink = steps?.comparison.oneSided
    ? html`<figure class="kink">${oneSidedCurve(steps, inputName(steps.input), analyticLabel)}
<figcaption><b>A kink at ${entryName(inputName(steps.input), steps.index)}</b>: the one-sided quotients head for different limits, ${formatNumber(steps.comparison.oneSided[0])} from the left and ${formatNumber(steps.comparison.oneSided[1])} from the right. An analytic value between them is a convention (nonsmooth, not a bug); outside them it is wrong.</figcaption></figure>`
    : '';
  return html`<div class="figures"><div class="maps">${legend}${maps}</div><div class="curves">${sweep}${kink}</div></div>`;
}

function targetTable(run: ReportedRun): Markup {
  const lawNames = [...new Set(run.targets.flatMap((t) => t.laws.map((l) => l.law)))];
  const symbol: Record<string, string> = { pass: '✓', fail: '✗', inconclusive: '?', error: '!', skipped: '–' };
  const row = (t: ReportedTarget): Markup => {
    const byName = new Map(t.laws.map((l) => [l.law, l]));
    const ran = t.laws.filter((l) => l.verdict !== 'skipped');
    const worst = Math.max(-1, ...t.laws.map((l) => l.worst?.relError ?? -1));
    const time = t.laws.reduce((s, l) => s + l.timeMs, 0);
    const link = t.verdict === 'pass' ? t.id : html`<a href="#${targetAnchor(run, t)}">${t.id}</a>`;
    return html`<tr data-verdict="${t.verdict}" data-id="${t.id}" class="${verdictClass(t.verdict)}"><td>${badge(t.verdict)}</td><td>${link}</td><td class="muted">${t.kind}</td>${lawNames.map((name) => lawCell(byName.get(name), symbol))}<td class="num">${ran.reduce((s, l) => s + l.cases, 0)}</td><td class="num">${worst >= 0 ? formatNumber(worst) : '·'}</td><td class="num">${formatDuration(time)}</td></tr>`;
  };
  return html`<h2 id="targets">Targets</h2>
<p class="muted">Laws: ${lawNames.map((name, i) => html`${i > 0 ? ', ' : ''}<b>${shortName(name)}</b> ${name}`)}. ✓ pass, ✗ fail, ! error, – skipped; hover a mark for its cases and time.</p>
<table class="targets"><thead><tr><th>verdict</th><th>target</th><th>kind</th>${lawNames.map((name) => html`<th class="law" title="${name}">${shortName(name)}</th>`)}<th class="num">cases</th><th class="num">worst rel err</th><th class="num">time</th></tr></thead>
<tbody>${run.targets.map(row)}</tbody></table>`;
}

/** A law's column head: its first word, or its second after "is" (gradients, jvp, pure, sgd, bptt). */
function shortName(law: string): string {
  const words = law.split(/(?=[A-Z])/).map((w) => w.toLowerCase());
  return words[0] === 'is' && words.length > 1 ? words[1]! : words[0]!;
}

function lawCell(law: ReportedLaw | undefined, symbol: Record<string, string>): Content {
  if (!law) return html`<td class="law"></td>`;
  const worst = law.worst ? `, worst rel err ${formatNumber(law.worst.relError)}` : '';
  const detail = law.verdict === 'skipped' ? (law.message ?? '') : `${plural(law.cases, 'case')}${worst}, ${formatDuration(law.timeMs)}`;
  return html`<td class="law ${verdictClass(law.verdict)}" title="${law.law}: ${law.verdict} — ${detail}">${symbol[law.verdict] ?? '?'}</td>`;
}

function models(run: ReportedRun): Content {
  if (!run.curves || run.curves.length === 0) return '';
  return html`<h2 id="models">Models learning</h2><div class="models">${run.curves.map((c) => {
    const [engine, manual] = c.training;
    const scale = engine ? Math.max(...engine.losses.map(Math.abs)) : 0;
    const gap = engine && manual && scale > 0 ? Math.max(...engine.losses.map((l, i) => Math.abs(l - manual.losses[i]!))) / scale : null;
    const first = engine?.losses[0];
    const last = engine?.losses[engine.losses.length - 1];
    const norms = c.stateGradients;
    return html`<article class="card" data-model="${c.id}"><h3>${c.id}</h3>
<div class="grid2"><figure class="loss">${lossCurve(c.training, c.optimizer)}
<figcaption>${first !== undefined && last !== undefined ? html`The loss goes from <b>${formatNumber(first)}</b> to <b>${formatNumber(last)}</b>` : ''} in ${plural((engine?.losses.length ?? 1) - 1, 'step')} of ${c.optimizer} on one batch (parameters and batch from seed ${c.seed}).${gap !== null ? html` The hand-written backward's curve (dashed) lies on the engine's: largest gap ${formatNumber(gap)} of the largest loss.` : ''}</figcaption></figure>
${norms ? html`<figure class="norms">${gradientNormCurve(norms)}
<figcaption>The gradient reaching each time step of a ${norms.steps}-step sequence: ‖∂L/∂h_t‖ is ${formatNumber(norms.norms[norms.steps]!)} at t = ${norms.steps} and ${formatNumber(norms.norms[0]!)} at t = 0.${norms.bound ? html` Dashed: the Pascanu bound ∏ max_i(1 − h²) · ‖Wh‖_F^(T−t) · ‖∂L/∂h_T‖, ${norms.bound[0]! > norms.bound[norms.steps]! ? 'which grows going back here (‖Wh‖ · max(1 − h²) > 1): it holds but does not force the gradient to vanish' : 'which decays geometrically going back: the gradient must vanish'}.` : ' No closed-form bound is drawn: the lecture derives one for the Elman step only.'}</figcaption></figure>` : ''}</div>
</article>`;
  })}</div>`;
}

function power(run: ReportedRun): Content {
  if (run.power.length === 0) return '';
  return html`<h2 id="power">Power of the tests</h2>${run.power.map((p) => html`<article class="card ${verdictClass(p.ok ? 'pass' : 'fail')}"><h3>${badge(p.ok ? 'strong' : 'weak')} ${p.id} <small>${p.module ?? ''}</small></h3>
${p.report
  ? html`<table><thead><tr><th>planted bug</th><th>what it does</th><th>caught</th><th class="num">at case</th></tr></thead><tbody>${p.report.perturbations.map((b) => html`<tr><td>${b.name}</td><td class="muted">${b.description}</td><td class="${verdictClass(b.caught ? 'pass' : b.applicable ? 'fail' : 'skipped')}" style="color: var(--v)">${b.caught ? 'yes' : b.applicable ? 'MISSED' : 'n/a'}</td><td class="num">${b.casesToCatch ?? '·'}</td></tr>`)}</tbody></table>
${p.report.weaknesses.length > 0 ? html`<ul class="plain">${p.report.weaknesses.map((w) => html`<li>${w}</li>`)}</ul>` : ''}`
  : html`<pre>${p.text}</pre>`}</article>`)}`;
}

function skipped(run: ReportedRun): Content {
  const errors = run.moduleErrors.map((e) => html`<article class="card v-error"><h3>${badge('error')} ${e.module}</h3><pre>${e.message}</pre></article>`);
  const exports = run.skipped.length > 0 ? html`<ul class="plain">${run.skipped.map((s) => html`<li><code>${s.module}</code>, export <code>${s.export}</code>: ${s.reason}</li>`)}</ul>` : '';
  if (errors.length === 0 && exports === '') return '';
  return html`<h2 id="skipped">Not checked</h2>${errors}${exports}`;
}
