import { parseHTML } from 'linkedom';
import { describe, expect, test } from 'vitest';
import { type Differentiable, diagnose } from '../check/index.js';
import { modelCurves } from '../optim/index.js';
import { Tensor, tensor } from '../tensor/index.js';
import { zoo } from '../zoo/index.js';
import { mergeRuns, renderHtml } from './index.js';
import { html, trusted } from './markup.js';
import { decadeTicks, formatDecade, formatNumber } from './numbers.js';
import type { ReportedRun } from './run.js';
import { failingTarget, law, passingTarget, runOf, sinTimesX } from './test-support.js';

const parse = (page: string) => parseHTML(page).document;

/** Everything in a page that would make the browser fetch something: URLs in attributes and styles, frames, links. */
function externalReferences(page: string): string[] {
  const document = parse(page);
  const found: string[] = [];
  for (const element of document.querySelectorAll('*')) {
    for (const name of ['src', 'href', 'xlink:href', 'action', 'data', 'poster', 'srcset', 'background']) {
      const value = element.getAttribute(name);
      if (value !== null && !value.startsWith('#') && !value.startsWith('data:')) found.push(`${element.tagName.toLowerCase()} ${name}=${value}`);
    }
  }
  for (const tag of ['link', 'iframe', 'object', 'embed', 'base']) for (const element of document.querySelectorAll(tag)) found.push(`<${element.tagName.toLowerCase()}>`);
  const styles = [...document.querySelectorAll('style')].map((s) => s.textContent ?? '').concat([...document.querySelectorAll('[style]')].map((e) => e.getAttribute('style') ?? ''));
  for (const css of styles) for (const match of css.matchAll(/url\(\s*['"]?(?!data:|#)([^'")]+)|@import/g)) found.push(`css ${match[0]}`);
  return found;
}

const wrongAt5 = failingTarget('wrongAt5', [3, 4], [5]);

describe('renderHtml', () => {
  test('a wrong entry is outlined and crossed in the three heatmaps of its input, and named with its multi-index on hover', () => {
    const document = parse(renderHtml(runOf([wrongAt5])));
    const figure = document.querySelector('figure.heatmap[data-input="0"]')!;
    expect(figure.querySelectorAll('.gp-marked rect')).toHaveLength(3);
    const titles = [...figure.querySelectorAll('title')].map((t) => t.textContent);
    expect(titles.filter((t) => t?.startsWith('x₀[1, 1]: WRONG'))).not.toHaveLength(0);
    expect(titles.filter((t) => t?.includes('WRONG')).every((t) => t!.startsWith('x₀[1, 1]'))).toBe(true);
  });

  test('broken twin: a diagnosis of a correct target marks no entry', () => {
    const document = parse(renderHtml(runOf([failingTarget('right', [3, 4], [], sinTimesX())])));
    expect(document.querySelectorAll('figure.heatmap .gp-marked rect')).toHaveLength(0);
    expect(document.querySelector('figure.heatmap')!.innerHTML).not.toContain('WRONG');
  });

  test('the replay command is on the page with a copy button; the step-size curve draws the tolerance and the analytic value', () => {
    const document = parse(renderHtml(runOf([wrongAt5])));
    const replay = document.querySelector('.replay')!;
    expect(replay.querySelector('pre')!.textContent).toBe(wrongAt5.laws[0]!.replay);
    expect(replay.querySelector('button[data-copy]')).not.toBeNull();
    const steps = document.querySelector('figure.steps')!;
    expect(steps.querySelector('svg.gp-plot')!.textContent).toMatch(/tolerance .*the vjp is off by/s);
  });

  test('is self-contained: nothing to fetch, and a policy that forbids fetching', () => {
    const page = renderHtml(runOf([wrongAt5, passingTarget('ops/tanh')]));
    expect(externalReferences(page)).toEqual([]);
    const policy = parse(page).querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content');
    expect(policy).toContain("default-src 'none'");
  });

  test('broken twin: a page with an image, a stylesheet link and a CSS url from the network is caught', () => {
    const page = renderHtml(runOf([passingTarget('ops/tanh')])).replace(
      '</body>',
      '<img src="https://example.com/a.png"><link rel="stylesheet" href="https://example.com/a.css"><div style="background: url(http://example.com/b.png)"></div></body>',
    );
    expect(externalReferences(page)).toHaveLength(4);
  });

  const hostile = {
    ...passingTarget('<img src=x onerror=alert(1)>'),
    verdict: 'fail',
    laws: [law('isPure', 'fail', { message: '</script><script>alert(2)</script>', counterexample: '"><marquee>' })],
  };

  test("a target's id and messages are text, never markup", () => {
    const page = renderHtml(runOf([hostile]));
    const document = parse(page);
    expect(document.querySelectorAll('script')).toHaveLength(1);
    expect(document.querySelectorAll('main img, main marquee')).toHaveLength(0);
    expect(document.querySelector('article.card h3')!.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(document.querySelector('section.law .message')!.textContent).toBe('</script><script>alert(2)</script>');
  });

  test('broken twin: the same text trusted as markup becomes elements', () => {
    const document = parse(html`<main>${trusted(hostile.id)}${trusted(hostile.laws[0]!.message!)}</main>`.text);
    expect(document.querySelectorAll('script')).toHaveLength(1);
    expect(document.querySelectorAll('main img')).toHaveLength(1);
  });

  test('500 targets: one compact row each, failures as cards, passing rows folded away by the filter; measured per target', () => {
    const failing = Array.from({ length: 5 }, (_, i) => failingTarget(`layers/wrong${i}`, [4, 6], [i]));
    const passing = Array.from({ length: 495 }, (_, i) => passingTarget(`ops/op${i}`));
    const page = renderHtml(runOf([...failing, ...passing]));
    const document = parse(page);
    expect(document.querySelectorAll('table.targets tbody tr')).toHaveLength(500);
    expect(document.querySelectorAll('article.card[data-verdict="fail"]')).toHaveLength(5);
    const filter = document.querySelector('button[data-filter="pass"]')!;
    expect(filter.textContent).toBe('pass 495');
    expect(filter.getAttribute('aria-pressed')).toBe('false');
    expect(document.querySelector('header .replays pre')!.textContent!.split('\n')).toEqual(failing.map((t) => t.laws[0]!.replay));
    const failuresOnly = renderHtml(runOf(failing)).length;
    const perPassing = (page.length - failuresOnly) / 495;
    const perFailing = (failuresOnly - renderHtml(runOf([])).length) / 5;
    expect(perPassing).toBeLessThan(1024);
    expect(perFailing).toBeLessThan(64 * 1024);
  });

  test('the same run renders the same page', () => {
    const run = runOf([wrongAt5, passingTarget('ops/tanh')]);
    expect(renderHtml(run)).toBe(renderHtml(run));
  });

  test('a verdict this version does not know is shown and filterable', () => {
    const document = parse(renderHtml(runOf([{ ...passingTarget('slow'), verdict: 'flaky', laws: [law('gradientsMatchFiniteDifferences', 'flaky')] }])));
    expect(document.querySelector('button[data-filter="flaky"]')!.textContent).toBe('flaky 1');
    expect(document.querySelector('table.targets td.law')!.getAttribute('title')).toMatch(/^gradientsMatchFiniteDifferences: flaky/);
  });

  test('an inconclusive check is no pass: its own badge, filter and card, and its entries marked "?", saying the finite differences cannot tell', () => {
    // sin(10¹²·x): its phase turns a thousand times within the smallest step
    const fastSine: Differentiable = {
      name: 'fastSine',
      forward: ([x]) => new Tensor(x!.data.map((v) => Math.sin(1e12 * v)), x!.shape),
      vjp: ([x], g) => [new Tensor(x!.data.map((v, i) => 1e12 * Math.cos(1e12 * v) * g.data[i]!), x!.shape)],
    };
    const diagnostics = diagnose(fastSine, [tensor([0.3, 3])], { seed: 3 });
    const laws = [law('gradientsMatchFiniteDifferences', 'inconclusive', { diagnostics, worst: diagnostics.steps!.comparison }), law('isPure', 'pass')];
    const document = parse(renderHtml(runOf([{ ...passingTarget('fastSine'), verdict: 'inconclusive', laws }])));
    expect(document.querySelector('button[data-filter="inconclusive"]')!.textContent).toBe('inconclusive 1');
    expect(document.querySelector('article.card.v-inconclusive h3')!.textContent).toContain('fastSine');
    expect(document.querySelector('table.targets td.law')!.textContent).toBe('?');
    const titles = [...document.querySelectorAll('figure.heatmap title')].map((t) => t.textContent);
    expect(titles.filter((t) => t?.includes('inconclusive (the finite differences cannot tell)'))).not.toHaveLength(0);
    expect(titles.some((t) => t?.includes('WRONG') || t?.includes('agrees'))).toBe(false);
  });

  test('verify: each zoo model gets its loss curve, and a recurrent one its gradient over time with the bound', () => {
    const curves = [zoo.mlp, zoo.elman].map((model) => ({ id: `zoo/${model.name}`, ...modelCurves(model, { seed: 1, steps: 5, sequenceLength: 8 }) }));
    const document = parse(renderHtml(runOf([passingTarget('zoo/mlp'), passingTarget('zoo/elman')], { command: 'verify', modules: [], curves })));
    expect([...document.querySelectorAll('[data-model]')].map((card) => [card.getAttribute('data-model'), card.querySelectorAll('figure.loss svg.gp-plot, figure.norms svg.gp-plot').length])).toEqual([
      ['zoo/mlp', 1],
      ['zoo/elman', 2],
    ]);
    expect(document.querySelector('figure.norms figcaption')!.textContent).toContain('Pascanu bound');
  });

  test('the power report is a table of the planted bugs', () => {
    const report = { target: 'x', ok: false, weaknesses: ['too few cases'], perturbations: [{ name: 'sign', description: 'flips the sign', applicable: true, caught: false }] };
    const document = parse(renderHtml(runOf([passingTarget('x')], { power: [{ id: 'x', module: 'layers.ts', ok: false, text: '', report }] })));
    expect([...document.querySelectorAll('#power ~ article tbody td')].map((td) => td.textContent)).toEqual(['sign', 'flips the sign', 'MISSED', '·']);
  });

  test('says what is wrong with a value that is not a run result', () => {
    expect(() => renderHtml({ targets: 3 } as unknown as ReportedRun)).toThrow("gradprop report: the result is not a gradprop run result (the JSON of gradprop --json): it has no 'command'");
    expect(() => renderHtml({ ...runOf([]), targets: [{ id: 'x' }] } as unknown as ReportedRun)).toThrow("target 0 has no 'id' or no 'laws' array");
  });
});

describe('mergeRuns', () => {
  const targets = Array.from({ length: 7 }, (_, i) => (i === 4 ? failingTarget(`t${i}`, [2], [0]) : passingTarget(`t${i}`)));
  const shard = (i: number, n: number, more: Partial<ReportedRun> = {}) =>
    runOf(targets.filter((_, j) => j % n === i - 1), { options: { ...runOf([]).options, shard: `${i}/${n}` }, skipped: [{ module: 'layers.ts', export: 'helper', reason: 'a function' }], ...more });

  test('puts the shards of one run back in the order one machine runs the targets', () => {
    const merged = mergeRuns([shard(3, 3), shard(1, 3), shard(2, 3)]);
    expect(merged.targets.map((t) => t.id)).toEqual(targets.map((t) => t.id));
    expect(merged.options.shard).toBeNull();
    expect(merged.exitCode).toBe(1);
    expect(merged.skipped).toHaveLength(1);
  });

  test('some of the shards: in the order given, and the page says which', () => {
    const merged = mergeRuns([shard(1, 3), shard(2, 3)]);
    expect(merged.targets.map((t) => t.id)).toEqual(['t0', 't3', 't6', 't1', 't4']);
    expect(merged.options.shard).toBe('1/3+2/3');
    expect(parse(renderHtml(merged)).querySelector('h1')!.textContent).toBe('gradprop check layers.ts --shard 1/3+2/3');
  });

  test('refuses runs that are not shards of one run, saying why', () => {
    expect(() => mergeRuns([shard(1, 2), shard(2, 2, { options: { ...runOf([]).options, shard: '2/2', seed: 8 } })])).toThrow('mergeRuns: result 2 has seed 8 where result 1 has 7');
    expect(() => mergeRuns([shard(1, 2), shard(2, 2, { options: { ...runOf([]).options, shard: '2/2', order: 2 } })])).toThrow('mergeRuns: result 2 has order 2 where result 1 has 1');
    // a result from before --order checked order 1
    expect(mergeRuns([shard(1, 2), shard(2, 2, { options: { ...runOf([]).options, shard: '2/2', order: 1 } })]).targets).toHaveLength(7);
    expect(() => mergeRuns([shard(1, 2), shard(1, 2)])).toThrow('mergeRuns: target t0 is in result 1 and result 2');
    expect(() => mergeRuns([])).toThrow('no results');
  });
});

describe('numbers on the page', () => {
  test('formatNumber writes every minus sign as one; decadeTicks keeps to the decades inside the values', () => {
    expect(formatNumber(-4.46e-5)).toBe('−4.46e−5');
    expect(formatNumber(0.035220949)).toBe('0.03522');
    expect(decadeTicks([0.43, 2.8e-5])).toEqual([1e-4, 1e-3, 1e-2, 1e-1]);
    expect(decadeTicks([0.15, 0.19])).toBeUndefined();
    expect(decadeTicks([1e-12, 1], 7)).toEqual([1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1]);
    expect([1e-6, 0.01, 1000, 2e9, 1e9].map(formatDecade)).toEqual(['10⁻⁶', '0.01', '1000', '', '10⁹']);
  });
});
