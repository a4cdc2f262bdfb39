/**
 * How far the law a worker is running has got, kept in a small file the worker overwrites after
 * every case and the main process reads only when it had to stop the worker. A message per case
 * would cost both processes time on every case of every law (6% of `gradprop verify`), and a
 * worker stuck in a loop sends nothing more; what it wrote before is in the file.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { LawProgress } from './run.js';

const FIELDS = 5; // cases, shrinks, forward, vjp, jvp

/** The worker's side: write after each run of the property. */
export function progressWriter(file: string): (progress: LawProgress) => void {
  const fd = openSync(file, 'w');
  const record = new Float64Array(FIELDS);
  const bytes = new Uint8Array(record.buffer);
  process.once('exit', () => closeSync(fd));
  return ({ cases, shrinks, evaluations }) => {
    record.set([cases, shrinks, evaluations.forward, evaluations.vjp, evaluations.jvp]);
    writeSync(fd, bytes, 0, bytes.length, 0);
  };
}

/** The main process's side: the last progress written, or null when the law wrote none. */
export function readProgress(file: string): LawProgress | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return null;
  }
  if (bytes.length < FIELDS * 8) return null;
  const [cases, shrinks, forward, vjp, jvp] = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + FIELDS * 8));
  return { cases: cases!, shrinks: shrinks!, evaluations: { forward: forward!, vjp: vjp!, jvp: jvp! } };
}
