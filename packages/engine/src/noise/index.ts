export { gaussianNoise } from './gaussian.ts';
export { applyNoise, noiseLevelAt, scheduleWeight, validateNoise } from './apply.ts';
