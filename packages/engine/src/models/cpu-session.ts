import ort from 'onnxruntime-node';

/** An ONNX Runtime session on the CPU: one graph at a time, its operators on `threads` threads. */
export function createCpuSession(
  model: Uint8Array,
  threads: number,
): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    intraOpNumThreads: threads,
    // Without the arena, intermediate buffers go back to the allocator after each run: a much lower
    // peak for a few per-frame calls (measured in bench/engine.ts).
    enableCpuMemArena: false,
    // A tiled half runs several sessions in turn; a finished session's threads would spin on the
    // cores the next one needs (2 threads, 256x256 decode: 370 ms spinning, 212 ms not).
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
}
