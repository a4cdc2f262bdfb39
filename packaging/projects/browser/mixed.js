// One bundle that imports gradprop and requires it: the bundler must give both the same copy.
import { Tensor, allOps } from 'gradprop';

const required = require('gradprop');
globalThis.result = { same: required.Tensor === Tensor && required.allOps === allOps, ops: allOps().length };
