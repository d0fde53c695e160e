// Multiply-accumulate count of a graph's Conv nodes, found by propagating the spatial size
// through the graph in node order (ONNX graphs are topologically sorted).
import { onnx, type GraphProto } from './onnx.ts';
import type { onnx as Onnx } from 'onnx-proto';

type Int64 = number | { toNumber(): number };
const toNumber = (value: Int64): number => (typeof value === 'number' ? value : value.toNumber());

function ints(node: Onnx.INodeProto, name: string): number[] | undefined {
  return node.attribute?.find((a) => a.name === name)?.ints?.map(toNumber);
}

function floats(tensor: Onnx.ITensorProto): number[] {
  if (tensor.floatData && tensor.floatData.length > 0) return [...tensor.floatData];
  const raw = tensor.rawData;
  if (!raw || tensor.dataType !== onnx.TensorProto.DataType.FLOAT) return [];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return Array.from({ length: raw.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

function int64s(tensor: Onnx.ITensorProto): number[] {
  if (tensor.int64Data && tensor.int64Data.length > 0) return tensor.int64Data.map(toNumber);
  const raw = tensor.rawData;
  if (!raw || tensor.dataType !== onnx.TensorProto.DataType.INT64) return [];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return Array.from({ length: raw.byteLength / 8 }, (_, i) =>
    Number(view.getBigInt64(i * 8, true)),
  );
}

/** Keeps what MAC counting needs: nodes, initializer shapes, and the values of small initializers (scales). */
export function graphSkeleton(graph: GraphProto): GraphProto {
  const small = (t: Onnx.ITensorProto): boolean =>
    (t.dims ?? []).map(toNumber).reduce((a, b) => a * b, 1) <= 16;
  return {
    node: graph.node,
    input: graph.input,
    initializer: (graph.initializer ?? []).map((t) =>
      small(t) ? t : { name: t.name, dims: t.dims, dataType: t.dataType },
    ),
  };
}

type Spatial = [number, number];

function convOutput(node: Onnx.INodeProto, input: Spatial, kernel: Spatial): Spatial {
  const strides = ints(node, 'strides') ?? [1, 1];
  const dilations = ints(node, 'dilations') ?? [1, 1];
  const pads = ints(node, 'pads') ?? [0, 0, 0, 0];
  const autoPad = node.attribute?.find((a) => a.name === 'auto_pad')?.s;
  const same = autoPad ? new TextDecoder().decode(autoPad).startsWith('SAME') : false;
  return [0, 1].map((axis) => {
    const stride = strides[axis] ?? 1;
    if (same) return Math.ceil(input[axis]! / stride);
    const span = (dilations[axis] ?? 1) * (kernel[axis]! - 1) + 1;
    return (
      Math.floor((input[axis]! + (pads[axis] ?? 0) + (pads[axis + 2] ?? 0) - span) / stride) + 1
    );
  }) as Spatial;
}

/** Multiply-accumulates of every Conv node for one input of height x width (batch 1). */
export function countConvMacs(graph: GraphProto, height: number, width: number): number {
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  for (const node of graph.node ?? []) {
    if (node.opType === 'Constant') {
      const value = node.attribute?.find((a) => a.name === 'value')?.t;
      if (value && node.output?.[0]) initializers.set(node.output[0], value);
    }
  }
  // A quantized kernel reaches its Conv through a DequantizeLinear of an int8 initializer.
  for (const node of graph.node ?? []) {
    const source = initializers.get(node.input?.[0] ?? '');
    if (node.opType === 'DequantizeLinear' && source && node.output?.[0])
      initializers.set(node.output[0], source);
  }
  const input = (graph.input ?? []).find((i) => !initializers.has(i.name ?? ''));
  const spatial = new Map<string, Spatial>([[input?.name ?? '', [height, width]]]);
  let macs = 0;
  for (const node of graph.node ?? []) {
    const inputs = node.input ?? [];
    const source = inputs.map((name) => spatial.get(name)).find((s) => s !== undefined);
    if (!source) continue;
    let out: Spatial = source;
    if (node.opType === 'Conv') {
      const dims = (initializers.get(inputs[1] ?? '')?.dims ?? []).map(toNumber);
      const [outChannels = 0, inPerGroup = 0, kh = 1, kw = 1] = dims;
      out = convOutput(node, source, [kh, kw]);
      macs += outChannels * inPerGroup * kh * kw * out[0] * out[1];
    } else if (node.opType === 'MaxPool' || node.opType === 'AveragePool') {
      const kernel = ints(node, 'kernel_shape') ?? [1, 1];
      out = convOutput(node, source, [kernel[0] ?? 1, kernel[1] ?? 1]);
    } else if (node.opType === 'DepthToSpace' || node.opType === 'SpaceToDepth') {
      const block = node.attribute?.find((a) => a.name === 'blocksize')?.i;
      const factor = block === undefined || block === null ? 1 : toNumber(block);
      out =
        node.opType === 'DepthToSpace'
          ? [source[0] * factor, source[1] * factor]
          : [Math.floor(source[0] / factor), Math.floor(source[1] / factor)];
    } else if (node.opType === 'Resize' || node.opType === 'Upsample') {
      const scaleName = node.opType === 'Resize' ? inputs[2] : inputs[1];
      const scales = floats(initializers.get(scaleName ?? '') ?? {});
      const sizes = int64s(initializers.get(inputs[3] ?? '') ?? {});
      if (scales.length === 4) {
        out = [Math.floor(source[0] * scales[2]!), Math.floor(source[1] * scales[3]!)];
      } else if (sizes.length === 4) {
        out = [sizes[2]!, sizes[3]!];
      }
    }
    for (const output of node.output ?? []) spatial.set(output, out);
  }
  return macs;
}
