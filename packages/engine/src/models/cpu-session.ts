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
    // Activations come from the session's arena, kept between runs. Without it every run maps its
    // buffers afresh and the kernel faults each page in, which on a VM costs more than the int8
    // arithmetic: 10-frame 512x512 CLI run (2 threads, Zen 5 VM) 4.55-4.76 s -> 3.34-3.38 s,
    // 1-thread fp32 256x256 decode 320 -> 176 ms. Without the memory pattern (one block planned
    // for a whole run, which the arena would round up to a power of two) tensors reuse the
    // arena's free blocks, and the CLI's peak falls too: 462-477 -> 441-444 MB.
    enableCpuMemArena: true,
    enableMemPattern: false,
    // A tiled half runs several sessions in turn; a finished session's threads would spin on the
    // cores the next one needs (2 threads, 256x256 decode: 370 ms spinning, 212 ms not).
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
}
