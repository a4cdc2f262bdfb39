/**
 * Fresh, zeroed arrays for op results. V8 keeps a typed array of up to 64 bytes (8 doubles) on the
 * JS heap, but gives a larger one its own buffer outside it — a malloc, a finaliser and external-
 * memory bookkeeping: about 190 ns against 25 ns, more than all the arithmetic of a small op (a
 * lecture-sized model makes thousands of 9- to 100-element arrays per step). So small arrays are
 * views cut from shared 16 KB slabs, which cost what an on-heap array costs; a slab is freed with
 * the last view into it (so a long-lived small tensor keeps at most 16 KB alive). Large arrays,
 * whose arithmetic dwarfs the malloc, are allocated as usual.
 */
const SLAB_BYTES = 16 * 1024;
/** Bytes above which an array gets its own buffer. */
const SMALL_BYTES = 2 * 1024;

let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

/** A view's offset in `slab`, after starting a fresh slab if this one is full (read `slab` after calling). */
function carve(bytes: number): number {
  if (used + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const at = used;
  used += bytes;
  return at;
}

export function floats(length: number): Float64Array {
  const bytes = 8 * length;
  if (bytes > SMALL_BYTES) return new Float64Array(length);
  const at = carve(bytes);
  return new Float64Array(slab, at, length);
}

export function ints(length: number): Int32Array {
  // rounded up to whole doubles, so that every view into the slab stays 8-byte aligned
  const bytes = 8 * Math.ceil(length / 2);
  if (bytes > SMALL_BYTES) return new Int32Array(length);
  const at = carve(bytes);
  return new Int32Array(slab, at, length);
}
