// Only the registry is used: the op modules must still be bundled (they register when loaded).
import { allOps } from 'gradprop';

globalThis.result = { ops: allOps().length };
