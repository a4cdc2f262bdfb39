export { clipByGlobalNorm, globalNorm, mapParams } from './clip.js';
export { type Optimizer, type SgdOptions, type SgdState, sgd } from './sgd.js';
export { type TrainOptions, type TrainResult, train } from './train.js';
export { type CurveOptions, type LossCurve, type ModelCurves, type StateGradientNorms, modelCurves } from './curves.js';
