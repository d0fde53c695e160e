export { ease, framePositions } from './easing.ts';
export { lerp, slerp, interpolatePath, SLERP_PARALLEL_THRESHOLD } from './vectors.ts';
