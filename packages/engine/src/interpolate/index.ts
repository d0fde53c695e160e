export { ease, framePositions } from './easing.ts';
export {
  lerp,
  slerp,
  interpolatePath,
  latentDistance,
  SLERP_PARALLEL_THRESHOLD,
} from './vectors.ts';
