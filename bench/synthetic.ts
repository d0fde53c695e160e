// Inputs the engine benchmarks share.
import type { Tensor4 } from '@latent-lab/engine';

/** A seeded latent with the spread of real ones (about unit variance) for a side x side frame. */
export function syntheticLatent(side: number, channels: number): Tensor4 {
  const l = side / 8;
  return {
    data: new Float32Array(channels * l * l).map((_, i) => Math.sin(i * 12.9898) * 1.7),
    shape: [1, channels, l, l],
  };
}
