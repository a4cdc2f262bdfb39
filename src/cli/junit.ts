/**
 * JUnit XML for CI dashboards: a testsuite per module (check) or per family (verify: ops, zoo), a
 * testcase per target and law — and one per target that could not be checked, per module error and
 * per skipped export, so that the totals are the summary line's counts added up. A failure's text
 * is the same as on the terminal: the message, the counterexample, the checker's report table and
 * the replay command.
 */
import type { LawResult, RunResult, TargetResult } from './json.js';
import { failureText } from './table.js';
import { LAW_VERDICTS } from './verdicts.js';

/** Text and attribute values: the five markup characters escaped, characters XML 1.0 forbids replaced. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

interface Case {
  name: string;
  seconds: number;
  outcome?: { tag: 'failure' | 'error' | 'skipped'; message: string; text?: string };
}

const attributes = (values: Record<string, string | number>) =>
  Object.entries(values).map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`).join('');

const firstLine = (text: string | null) => (text ?? '').split('\n')[0]!;

function lawCase(t: TargetResult, l: LawResult): Case {
  const test: Case = { name: `${t.id} ${l.law}`, seconds: l.timeMs / 1000 };
  const tag = LAW_VERDICTS[l.verdict].junit;
  if (tag === 'skipped') test.outcome = { tag, message: l.message ?? '' };
  else if (tag !== null) test.outcome = { tag, message: firstLine(l.message), text: failureText(l) };
  return test;
}

function suites(result: RunResult): Map<string, Case[]> {
  const bySuite = new Map<string, Case[]>();
  const add = (suite: string, test: Case) => bySuite.set(suite, [...(bySuite.get(suite) ?? []), test]);
  for (const { module, kind, message } of result.moduleErrors) {
    add(module, { name: `${module} (${kind === 'load' ? 'load' : 'error outside its laws'})`, seconds: 0, outcome: { tag: 'error', message: firstLine(message), text: message } });
  }
  for (const t of result.targets) {
    const suite = t.module ?? t.id.split('/')[0]!;
    if (t.verdict === 'error') add(suite, { name: t.id, seconds: 0, outcome: { tag: 'error', message: firstLine(t.message), text: t.message ?? '' } });
    else for (const l of t.laws) add(suite, lawCase(t, l));
  }
  for (const s of result.skipped) add(s.module, { name: `${s.module}, export ${s.export}`, seconds: 0, outcome: { tag: 'skipped', message: s.reason } });
  return bySuite;
}

function counts(tests: Case[]): Record<string, number> {
  const count = (tag: string) => tests.filter((t) => t.outcome?.tag === tag).length;
  return { tests: tests.length, failures: count('failure'), errors: count('error'), skipped: count('skipped'), time: +tests.reduce((s, t) => s + t.seconds, 0).toFixed(3) };
}

export function junitXml(result: RunResult): string {
  const all = [...suites(result)];
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${attributes({ name: `gradprop ${result.command}`, ...counts(all.flatMap(([, tests]) => tests)) })}>`];
  for (const [suite, tests] of all) {
    lines.push(`  <testsuite${attributes({ name: suite, ...counts(tests) })}>`);
    for (const test of tests) {
      const open = `    <testcase${attributes({ classname: `gradprop.${suite}`, name: test.name, time: test.seconds.toFixed(3) })}`;
      const o = test.outcome;
      if (!o) lines.push(`${open}/>`);
      else if (o.text === undefined) lines.push(`${open}>`, `      <${o.tag}${attributes({ message: o.message })}/>`, '    </testcase>');
      else lines.push(`${open}>`, `      <${o.tag}${attributes({ message: o.message, type: o.tag })}>${escapeXml(o.text)}</${o.tag}>`, '    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
