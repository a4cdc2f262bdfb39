/** The part of a stream progress needs: a test can pass a fake terminal. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface Progress {
  /** `done` of the `total` laws planned so far have finished; `label` names the last. */
  step(done: number, total: number, label: string): void;
  /** Clear the line before the results are printed. */
  end(): void;
}

/**
 * One line on stderr, rewritten in place as laws finish; nothing at all when stderr is not a
 * terminal, so CI logs and redirected output stay clean.
 */
export function progress(stream: ProgressStream): Progress {
  if (!stream.isTTY) return { step: () => {}, end: () => {} };
  const width = Math.max(20, (stream.columns || 80) - 1); // a pty may report 0 columns
  return {
    step: (done, total, label) => stream.write(`\r\x1b[K${`gradprop [${done}/${total} laws] ${label}`.slice(0, width)}`),
    end: () => stream.write('\r\x1b[K'),
  };
}
