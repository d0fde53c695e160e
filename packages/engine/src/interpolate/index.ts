export { ease, framePositions, EASINGS } from './easing.ts';
export { lerp, slerp, interpolatePath, SLERP_PARALLEL_THRESHOLD } from './vectors.ts';
