/**
 * The report as a person sees it: a real run with failures (`gradprop check` on the buggy layer
 * norm, --html), opened from disk in headless Chromium — Debian's, driven by playwright-core, with
 * a fresh profile and no network. Nothing may go wrong on the page, nothing may leave the file,
 * the wrong entry must be on screen in its heatmap, and the replay command must be there.
 * Screenshots go to reports/browser/ (kept out of the repository).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const root = join(import.meta.dirname, '../..');
const screenshots = join(root, 'reports/browser');
const scratch = mkdtempSync(join(tmpdir(), 'gradprop-browser-'));

interface Run {
  replay: string;
  /** The multi-index of the entry the law found wrong, as the page writes it: "0, 1". */
  wrong: string;
  page: string;
}

let run: Run;
let browser: BrowserContext;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`the browser test needs Debian's chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run installs it)`);
  const html = join(scratch, 'report.html');
  const json = join(scratch, 'report.json');
  const cli = spawnSync(process.execPath, ['bin/gradprop.js', 'check', 'examples/layernorm-buggy.ts', '--runs', '20', '--html', html, '--json', json], { cwd: root, encoding: 'utf8' });
  if (cli.status !== 1) throw new Error(`gradprop check on the buggy layer should fail with exit 1, got ${cli.status}: ${cli.stderr}`);
  const failed = JSON.parse(readFileSync(json, 'utf8')).targets[0].laws[0];
  run = { replay: failed.replay, wrong: failed.worst.index.join(', '), page: readFileSync(html, 'utf8') };
  browser = await chromium.launchPersistentContext(mkdtempSync(join(scratch, 'profile-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/**
 * Open a page from disk and say what is wrong with it: console errors, uncaught exceptions,
 * requests for anything but the file itself (aborted, so nothing leaves), the wrong entry not
 * shown in its heatmap, the replay command missing.
 */
async function problems(html: string, name: string, colorScheme: 'light' | 'dark' = 'light'): Promise<string[]> {
  const file = join(scratch, `${name}.html`);
  writeFileSync(file, html);
  const url = pathToFileURL(file).href;
  const found: string[] = [];
  const page = await browser.newPage();
  await page.emulateMedia({ colorScheme });
  await page.setViewportSize({ width: 1280, height: 900 });
  page.on('console', (message) => message.type() === 'error' && found.push(`console error: ${message.text()}`));
  page.on('pageerror', (error) => found.push(`uncaught: ${error.message}`));
  await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : (found.push(`request: ${route.request().url()}`), route.abort())));
  await page.goto(url, { waitUntil: 'load' });

  const cell = page.locator('figure.heatmap[data-input="0"] svg.gp-plot rect').filter({ has: page.locator('title', { hasText: new RegExp(`^x₀\\[${run.wrong}\\]: WRONG`) }) });
  if ((await cell.count()) === 0) found.push(`no heatmap cell marks x₀[${run.wrong}] wrong`);
  else if (!(await cell.first().isVisible())) found.push(`the heatmap cell of x₀[${run.wrong}] is not visible`);
  if (!(await page.locator('figure.steps svg.gp-plot').first().isVisible().catch(() => false))) found.push('no step-size curve on screen');
  const replay = page.locator('article.card .replay pre', { hasText: run.replay });
  if ((await replay.count()) === 0) found.push('the replay command is not on the page');
  else {
    await replay.first().locator('xpath=..').getByRole('button', { name: 'Copy' }).click();
    await page.waitForTimeout(50);
  }
  // the filter hides the failure's card and brings it back
  const card = page.locator('article.card[data-verdict="fail"]').first();
  const filter = page.locator('button[data-filter="fail"]');
  if ((await filter.count()) > 0) {
    await filter.click();
    if (await card.isVisible()) found.push('the fail filter does not hide the failing card');
    await filter.click();
  }
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}-${colorScheme}.png`), fullPage: true });
  await page.close();
  return found;
}

describe('the HTML report of a failing run, in Chromium', () => {
  test('shows the wrong entry in its heatmap, the step-size curve and the replay command; no console error, no request leaves the file', async () => {
    expect(await problems(run.page, 'report')).toEqual([]);
    expect(await problems(run.page, 'report', 'dark')).toEqual([]);
  });

  test('broken twin: an image from the network, without the page\'s policy, is requested — and caught', async () => {
    const leaky = run.page.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '').replace('</body>', '<img src="https://example.com/pixel.png"></body>');
    // the aborted request is also a console error ("Failed to load resource")
    expect(await problems(leaky, 'twin-request')).toContain('request: https://example.com/pixel.png');
  });

  test("broken twin: with the page's policy the same image is refused, and the refusal is a console error", async () => {
    const found = await problems(run.page.replace('</body>', '<img src="https://example.com/pixel.png"></body>'), 'twin-policy');
    expect(found).toEqual([expect.stringMatching(/^console error: .*Content Security Policy/)]);
  });

  test('broken twin: a script that throws is caught', async () => {
    expect(await problems(run.page.replace('</body>', '<script>null.boom()</script></body>'), 'twin-throws')).toEqual([expect.stringMatching(/^uncaught: .*null/)]);
  });

  test('broken twin: a page without the heatmaps, or without the replay command, is caught', async () => {
    const noHeatmaps = run.page.replace(/<figure class="heatmap"[\s\S]*?<\/figure>/g, '');
    expect(await problems(noHeatmaps, 'twin-no-heatmap')).toEqual([`no heatmap cell marks x₀[${run.wrong}] wrong`]);
    const noReplay = run.page.split(run.replay.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;')).join('');
    expect(await problems(noReplay, 'twin-no-replay')).toEqual(['the replay command is not on the page']);
  });
});
