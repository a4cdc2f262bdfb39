/**
 * The reports a run writes: each to a file, or one of them to standard output. Paths are checked
 * before anything runs, so a report can never overwrite a source file, an input module or another
 * report; files are written atomically (a temporary file renamed over the target), so a crash or a
 * full disk never leaves half a report where CI will read it.
 */
import { existsSync, mkdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { type RunResult, jsonText } from './json.js';
import { junitXml } from './junit.js';

export interface ReportKind {
  /** The option that asks for it, without the dashes. */
  flag: string;
  /** What it holds, for --help. */
  what: string;
  /** A path to suggest for it. */
  example: string;
  render(result: RunResult): string | Promise<string>;
}

/** The HTML page; its plotting library loads only when a page is asked for (it takes most of a second). */
async function htmlPage(result: RunResult): Promise<string> {
  return (await import('../report/index.js')).renderHtml(result);
}

/** Every report gradprop writes. A new one is a new row: parseCli, --help and the path checks read this list. */
export const REPORT_KINDS = [
  { flag: 'json', what: "write every target and law's result as JSON", example: 'reports/gradprop.json', render: jsonText },
  { flag: 'junit', what: 'write JUnit XML, a testcase per target and law', example: 'reports/gradprop.xml', render: junitXml },
  { flag: 'html', what: 'write a self-contained HTML page: pictures of each failure; verify: the zoo learning', example: 'reports/gradprop.html', render: htmlPage },
] as const satisfies readonly ReportKind[];

export type ReportFlag = (typeof REPORT_KINDS)[number]['flag'];

/** The report paths asked for, by flag; `-` is standard output. */
export type ReportPaths = Partial<Record<ReportFlag, string>>;

export const STDOUT = '-';

/** Modules gradprop check loads, and their JSX kin: a report path ending so is a source file. */
export const SOURCE_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.jsx'] as const;

/** The reports asked for, in REPORT_KINDS order. */
export function requested(paths: ReportPaths): { kind: ReportKind; path: string }[] {
  return REPORT_KINDS.flatMap((kind) => (paths[kind.flag] === undefined ? [] : [{ kind, path: paths[kind.flag]! }]));
}

/**
 * Why the reports cannot be written where asked (one sentence), or undefined. A report path that
 * ends in a source extension is refused even when the file does not exist: `--json src/*.ts` as a
 * shell expands it gives --json the first module, and the next run would overwrite it.
 */
export function reportPathProblem(paths: ReportPaths, modules: readonly string[], cwd: string): string | undefined {
  const reports = requested(paths);
  const toStdout = reports.filter((r) => r.path === STDOUT);
  if (toStdout.length > 1) return `${toStdout.map((r) => `--${r.kind.flag}`).join(' and ')} all write to standard output (-); give all but one of them a file`;
  const inputs = new Set(modules.map((m) => canonical(resolve(cwd, m))));
  const claimed = new Map<string, string>();
  for (const { kind, path } of reports.filter((r) => r.path !== STDOUT)) {
    const file = canonical(resolve(cwd, path));
    const flag = `--${kind.flag}`;
    const extension = extname(file).toLowerCase();
    if ((SOURCE_EXTENSIONS as readonly string[]).includes(extension)) {
      return `refusing to write the ${flag} report to ${path}: a ${extension} path is a source file — most likely a module the shell expanded from a glob (${flag} src/*${extension}); give the report a path of its own, e.g. ${flag} ${kind.example}`;
    }
    if (inputs.has(file)) return `refusing to write the ${flag} report to ${path}: it is one of the modules to check`;
    if (existsSync(file) && statSync(file).isDirectory()) return `${flag} ${path} is a directory; give the report a file path inside it`;
    const other = claimed.get(file);
    if (other !== undefined) return `${other} and ${flag} both write to ${path}; give each report a path of its own`;
    claimed.set(file, flag);
  }
  return undefined;
}

/** Render and write every requested report; a file is written whole or not at all. Throws naming the report that could not be written. */
export async function writeReports(result: RunResult, paths: ReportPaths, cwd: string, stdout: { write(text: string): unknown }): Promise<void> {
  for (const { kind, path } of requested(paths)) {
    const text = await kind.render(result);
    if (path === STDOUT) {
      stdout.write(text);
      continue;
    }
    try {
      writeAtomically(resolve(cwd, path), text);
    } catch (error) {
      throw new Error(`could not write the --${kind.flag} report to ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function writeAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  // In the same folder, so the rename stays on one filesystem and replaces the file in one step.
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** The file a path names, through symbolic links, when it exists. */
function canonical(file: string): string {
  return existsSync(file) ? realpathSync(file) : file;
}
