/** The page's stylesheet: system fonts, a light and a dark theme from prefers-color-scheme. */
export const STYLE = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1c2128; --muted: #59636e; --line: #d8dee4; --card: #f6f8fa; --code: #eef1f4;
  --pass: #1a7f37; --fail: #cf222e; --warn: #9a6700; --skip: #6e7781; --accent: #0969da;
  --plot-background: var(--bg);
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #30363d; --card: #161b22; --code: #1f2630;
    --pass: #3fb950; --fail: #f85149; --warn: #d29922; --skip: #8b949e; --accent: #4493f8;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
main, header.summary > div, nav.toolbar > div { max-width: 1280px; margin: 0 auto; padding: 0 24px; }
h1 { font-size: 20px; margin: 0; font-weight: 600; }
h2 { font-size: 17px; margin: 32px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 0; display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
h4 { font-size: 14px; margin: 18px 0 6px; display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
small, .muted { color: var(--muted); font-weight: normal; }
code, pre { font: 12.5px/1.45 ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, monospace; }
pre { background: var(--code); border-radius: 6px; padding: 10px 12px; margin: 6px 0; overflow: auto; max-height: 24em; white-space: pre; }
a { color: var(--accent); }
header.summary { border-bottom: 1px solid var(--line); padding: 20px 0 16px; background: var(--card); }
header.summary > div { display: flex; gap: 18px; align-items: center; }
.verdict { font-size: 22px; font-weight: 700; padding: 6px 14px; border-radius: 8px; color: #fff; letter-spacing: 0.04em; }
.meta { margin: 4px 0 0; color: var(--muted); }
.counts { display: flex; gap: 14px; flex-wrap: wrap; margin-top: 6px; }
.counts span b { font-variant-numeric: tabular-nums; }
.replays { margin-top: 6px; }
.replays .replay pre { max-height: 12em; white-space: pre; word-break: normal; }
nav.toolbar { position: sticky; top: 0; z-index: 2; background: var(--bg); border-bottom: 1px solid var(--line); padding: 8px 0; }
nav.toolbar > div { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
nav.toolbar button { font: inherit; border: 1px solid var(--line); background: var(--card); color: var(--fg); border-radius: 999px; padding: 2px 12px; cursor: pointer; }
nav.toolbar button[aria-pressed="false"] { opacity: 0.45; text-decoration: line-through; }
nav.toolbar input { font: inherit; padding: 3px 10px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); min-width: 16em; }
#hidden-note { color: var(--muted); }
.badge { display: inline-block; font-size: 11px; font-weight: 700; letter-spacing: 0.05em; padding: 1px 7px; border-radius: 4px; color: #fff; background: var(--skip); text-transform: uppercase; white-space: nowrap; }
.v-pass { --v: var(--pass); } .v-fail, .v-error, .v-timeout { --v: var(--fail); } .v-inconclusive, .v-nonsmooth { --v: var(--warn); } .v-skipped { --v: var(--skip); }
.badge, .verdict { background: var(--v, var(--skip)); }
article.card { border: 1px solid var(--line); border-left: 4px solid var(--v, var(--skip)); border-radius: 8px; padding: 14px 18px; margin: 14px 0; background: var(--bg); }
article.card > .message { white-space: pre-wrap; margin: 8px 0 0; }
section.law { border-top: 1px dashed var(--line); margin-top: 14px; }
section.law .message { white-space: pre-wrap; margin: 4px 0 8px; }
.replay { display: flex; gap: 8px; align-items: stretch; margin: 8px 0; }
.replay pre { flex: 1; margin: 0; max-height: none; white-space: pre-wrap; word-break: break-all; }
.replay button, button.copy { font: inherit; border: 1px solid var(--line); background: var(--card); color: var(--fg); border-radius: 6px; padding: 0 12px; cursor: pointer; }
details > summary { cursor: pointer; color: var(--muted); margin: 6px 0; }
details[open] > summary { color: var(--fg); }
.figures { display: flex; flex-wrap: wrap; gap: 18px 36px; margin: 12px 0; align-items: flex-start; }
.figures > .maps > p { margin: 0; }
.figures > .maps, .figures > .curves { display: flex; flex-direction: column; gap: 18px; flex: 1 1 520px; max-width: 620px; }
figure { margin: 0; }
.entrymap { display: grid; grid-template-columns: repeat(3, max-content); gap: 2px 24px; align-items: end; }
.entrymap .legend.wide { grid-column: span 2; }
.panel-title { font-size: 12px; font-weight: 600; margin-bottom: 2px; }
figcaption { color: var(--muted); margin-top: 6px; max-width: 80em; }
figcaption b { color: var(--fg); }
.gp-plot, .gp-plot-ramp, .gp-plot-swatches { color: var(--fg); --plot-background: var(--bg); }
.gp-plot-swatches { color: var(--fg); font-size: 11px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 3px 10px 3px 0; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; font-size: 12px; color: var(--muted); }
th.law { text-align: center; padding: 3px 4px; }
td.law { text-align: center; padding: 3px 4px; font-weight: 700; color: var(--v, var(--skip)); }
td.num { text-align: right; white-space: nowrap; }
tr[hidden], article[hidden] { display: none; }
.models { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 14px; }
.models article.card { margin: 0; }
.grid2 { display: flex; flex-wrap: wrap; gap: 18px; }
ul.plain { padding-left: 18px; }
footer { max-width: 1280px; margin: 40px auto 24px; padding: 0 24px; color: var(--muted); font-size: 12px; }
`;
