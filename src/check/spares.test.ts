/**
 * Spares: memory handed out again only under a new ArrayBuffer, so that whoever kept an array
 * handed out before holds a detached one — never one whose values change under it — and only what
 * was handed out is ever taken back.
 */
import { describe, expect, test } from 'vitest';
import { Spares } from './spares.js';

describe('spares', () => {
  test('an array given back is handed out again on a new buffer, and the one given back is detached, not overwritten', () => {
    const spares = new Spares();
    const first = spares.take(1000).fill(1.5);
    spares.give([first]);
    const second = spares.take(1000);
    expect(second.length).toBe(1000);
    expect(second.buffer).not.toBe(first.buffer);
    // the same memory: what was written before is still there, for the taker to overwrite
    expect(second[999]).toBe(1.5);
    second.fill(2);
    expect(first.length).toBe(0);
    expect(first[0]).toBeUndefined();
  });

  test('only arrays it handed out are taken back, each once: the caller’s own arrays are never detached', () => {
    const spares = new Spares();
    const own = new Float64Array(1000).fill(3);
    const taken = spares.take(1000);
    spares.give([own, taken, taken]);
    const again = [spares.take(1000), spares.take(1000)];
    expect(own.length).toBe(1000);
    expect(own.every((x) => x === 3)).toBe(true);
    expect(taken.length).toBe(0);
    expect(again.every((a) => a.length === 1000)).toBe(true);
    expect(again[1]!.buffer).not.toBe(again[0]!.buffer);
  });

  test('an array is handed out again only at its own length', () => {
    const spares = new Spares();
    const taken = spares.take(1000);
    spares.give([taken]);
    expect(spares.take(999).length).toBe(999);
    expect(taken.length).toBe(1000);
    expect(spares.take(1000).length).toBe(1000);
    expect(taken.length).toBe(0);
  });

  test('one detached while out (transferred away by a target) is not handed out again', () => {
    const spares = new Spares();
    const taken = spares.take(16);
    structuredClone(taken.buffer, { transfer: [taken.buffer as ArrayBuffer] });
    spares.give([taken]);
    // a browser's transfer of a detached buffer throws (the spec's DataCloneError); Node 20's does not
    const clone = globalThis.structuredClone;
    globalThis.structuredClone = (value, options) => {
      if (value instanceof ArrayBuffer && value.byteLength === 0) throw new DOMException('An ArrayBuffer is detached and could not be cloned.', 'DataCloneError');
      return clone(value, options);
    };
    try {
      expect(spares.take(0).length).toBe(0);
      expect(spares.take(16).length).toBe(16);
    } finally {
      globalThis.structuredClone = clone;
    }
  });

  test('where the host has no structuredClone (ECMAScript alone), every array is fresh and none handed out is ever detached', () => {
    const clone = globalThis.structuredClone;
    Reflect.deleteProperty(globalThis, 'structuredClone');
    try {
      const spares = new Spares();
      const taken = spares.take(1000).fill(1);
      spares.give([taken]);
      expect(spares.take(1000).length).toBe(1000);
      expect(taken.length).toBe(1000);
    } finally {
      globalThis.structuredClone = clone;
    }
  });

  test('once released, what was given back is let go: a later take does not detach it', () => {
    const spares = new Spares();
    const taken = spares.take(1000);
    spares.give([taken]);
    spares.release();
    spares.take(1000);
    expect(taken.length).toBe(1000);
  });
});
