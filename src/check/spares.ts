/**
 * Memory the checker has finished with, handed out again: the moved inputs of perturbed forwards
 * and the snapshots of checking calls take turns in it. A fresh array of 10⁶ entries costs its
 * first touch — page faults, 20–30 ms of CPU on this machine against 1.5 ms for the same move into
 * memory already touched — and a check makes one per forward.
 *
 * Every array handed out stands on a new ArrayBuffer (structuredClone's transfer moves the memory
 * without copying it): a target that kept an input it was given holds a detached, empty buffer
 * from then on, never memory that changes under it, and one that caches by buffer finds none of
 * its keys again. A host without structuredClone (ECMAScript alone) gets fresh arrays only.
 */
export class Spares {
  /** Buffers given back and not yet taken, by length in bytes. */
  private readonly idle = new Map<number, ArrayBuffer[]>();
  /** Buffers handed out and not yet given back: the only ones `give` takes. */
  private readonly out = new WeakSet<ArrayBuffer>();

  /** A Float64Array of `length` entries whose contents are whatever they were: the caller writes every one. */
  take(length: number): Float64Array {
    const spare = this.idle.get(length * Float64Array.BYTES_PER_ELEMENT)?.pop();
    const array = spare ? new Float64Array(structuredClone(spare, { transfer: [spare] })) : new Float64Array(length);
    this.out.add(array.buffer);
    return array;
  }

  /** Take back the arrays among these that came from `take`, the checker reading them no more; anything else is left alone. */
  give(arrays: Iterable<Float64Array>): void {
    // a host without structuredClone (ECMAScript alone, as in a bare vm context) cannot hand memory
    // out under a new buffer: nothing is kept, and every array taken is fresh
    if (typeof structuredClone !== 'function') return;
    for (const { buffer } of arrays) {
      // one the target detached (transferred away, as to a worker) has nothing left to hand out
      if (!(buffer instanceof ArrayBuffer) || !this.out.delete(buffer) || buffer.byteLength === 0) continue;
      const idle = this.idle.get(buffer.byteLength);
      if (idle) idle.push(buffer);
      else this.idle.set(buffer.byteLength, [buffer]);
    }
  }

  /** Let go of every idle buffer. */
  release(): void {
    this.idle.clear();
  }
}
