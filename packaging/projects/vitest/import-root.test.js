import { expect, test } from 'vitest';
import { tensor } from 'gradprop';

test('imports gradprop', () => expect(tensor([1]).shape).toEqual([1]));
