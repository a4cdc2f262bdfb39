import { expect, test } from 'vitest';
import { tensor } from 'gradprop';
import 'gradprop/vitest';

test('imports gradprop/vitest', () => expect(tensor([1]).shape).toEqual([1]));
