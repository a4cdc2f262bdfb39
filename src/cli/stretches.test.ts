import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { nextJob } from './stretches.js';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('nextJob', () => {
  test('a worker goes on to the job after its last while that job is queued', () => {
    expect(nextJob([5, 6, 7], 4, new Set([4]))).toBe(5);
    expect(nextJob([5, 6, 7], 4, new Set([4, 2]))).toBe(5);
  });

  test('a worker with no stretch to go on with takes the first of the longest run, or the first of its second half when another worker is heading into it', () => {
    expect(nextJob(range(0, 10), undefined, new Set())).toBe(0);
    expect(nextJob(range(2, 12), undefined, new Set([1]))).toBe(7);
    // its own next job was taken: the longest run left is 8..15, with a worker at 7 heading into it
    expect(nextJob([3, 4, ...range(8, 16)], 5, new Set([5, 7]))).toBe(12);
    // a run of one with a worker heading into it is still taken: a worker does not sit idle beside queued work
    expect(nextJob([9], undefined, new Set([8]))).toBe(9);
    expect(nextJob([], 3, new Set([3]))).toBeUndefined();
  });
});

type Chooser = typeof nextJob;

/** Workers taking jobs of the given durations with `choose` whenever they are free: who ran what, and when each finished. */
function simulate(durations: readonly number[], workers: number, choose: Chooser): { ran: number[][]; ends: number[] } {
  let queued = range(0, durations.length);
  const ran: number[][] = Array.from({ length: workers }, () => []);
  const ends = Array.from({ length: workers }, () => 0);
  const choosing = new Set(range(0, workers));
  while (queued.length > 0 && choosing.size > 0) {
    // the worker free soonest chooses next, as a worker does in the pool when its job ends
    const free = [...choosing].reduce((a, b) => (ends[b]! < ends[a]! ? b : a));
    const job = choose(queued, ran[free]!.at(-1), new Set(ran.flatMap((jobs) => jobs.slice(-1))));
    if (job === undefined || !queued.includes(job)) {
      choosing.delete(free);
      continue;
    }
    queued = queued.filter((q) => q !== job);
    ran[free]!.push(job);
    ends[free]! += durations[job]!;
  }
  return { ran, ends };
}

/** Each worker's jobs as runs of neighbours: how many stretches the work was cut into. */
const stretches = (ran: number[][]) => ran.reduce((n, jobs) => n + jobs.filter((job, i) => i === 0 || jobs[i - 1] !== job - 1).length, 0);

/** Every job runs once; the work is cut into a few stretches per worker, not one per job; the workers finish within a job of each other. */
function schedulesWell(choose: Chooser) {
  return fc.property(fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 150, size: 'max' }), fc.integer({ min: 1, max: 4 }), (durations, workers) => {
    const { ran, ends } = simulate(durations, workers, choose);
    expect(ran.flat().sort((a, b) => a - b), 'jobs run').toEqual(range(0, durations.length));
    expect(stretches(ran), 'stretches').toBeLessThanOrEqual(workers * (Math.ceil(Math.log2(durations.length + 1)) + 1));
    const busy = ends.filter((_, w) => ran[w]!.length > 0);
    expect(Math.max(...busy) - Math.min(...busy), 'spread of the finishing times').toBeLessThanOrEqual(Math.max(...durations));
  });
}

describe('workers choosing with nextJob', () => {
  test('run every job once, in a few stretches each, and finish together', () => {
    fc.assert(schedulesWell(nextJob));
  });

  test('broken twins: the first queued job for everyone (a stretch per job), a worker that keeps to its own stretch only (one worker does the rest), one that leaves the last job', () => {
    const firstQueued: Chooser = (queued) => queued[0];
    const ownStretchOnly: Chooser = (queued, last) => (last === undefined ? queued[0] : queued.find((q) => q === last + 1));
    const leavesTheLast: Chooser = (queued, last, heading) => (queued.length === 1 ? undefined : nextJob(queued, last, heading));
    const failure = (choose: Chooser) => (fc.check(schedulesWell(choose)).errorInstance as Error | null)?.message;
    expect(failure(firstQueued)).toMatch(/^stretches: expected/);
    expect(failure(ownStretchOnly)).toMatch(/^spread of the finishing times: expected/);
    expect(failure(leavesTheLast)).toMatch(/^jobs run: expected/);
  });
});
