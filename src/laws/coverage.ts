import { LABELS, labels } from '../arbitraries/index.js';
import type { Case } from './cases.js';

type Family = keyof typeof LABELS;

/**
 * Counts the coverage classes of the cases a law saw (sign pattern, magnitude band, shape class,
 * distance to the nearest kink) and names the classes that never occurred: a gradient never
 * checked on a size-1 dimension is unchecked there.
 */
export class Coverage {
  readonly counts = new Map<string, number>();
  cases = 0;

  /** Counts one case's classes. */
  record(c: Case): void {
    this.cases++;
    for (const [family, label] of Object.entries(labels(c.inputs, c.kinks ?? []))) {
      const key = `${family}: ${label}`;
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    }
  }

  /** Classes that never occurred, as sentences; kink distances only for subjects that have kinks. */
  warnings(families: readonly Family[] = ['sign', 'magnitude', 'shape']): string[] {
    if (this.cases === 0) return [];
    return families.flatMap((family) =>
      LABELS[family].filter((label) => !this.counts.has(`${family}: ${label}`)).map((label) => `no case had ${family} '${label}' (${this.cases} cases)`),
    );
  }
}
