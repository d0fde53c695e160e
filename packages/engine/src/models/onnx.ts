// Small helpers over onnx-proto (protobufjs classes for ONNX) to write and read ONNX graphs.
import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type ModelProto = Onnx.IModelProto;
export type GraphProto = Onnx.IGraphProto;

export const IR_VERSION = 10;
export const OPSET = 21;

type AttributeValue = number | number[] | string;

function attribute(name: string, value: AttributeValue): Onnx.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === 'string')
    return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  return Number.isInteger(value)
    ? { name, type: AttributeType.INT, i: value }
    : { name, type: AttributeType.FLOAT, f: value };
}

/** A dimension: a number is fixed, a string is a symbolic (dynamic) dimension. */
export type Dim = number | string;

/** A graph input or output: float32 unless `type` says uint8 (quantized activations). */
export interface GraphValue {
  name: string;
  dims: readonly Dim[];
  type?: 'float32' | 'uint8';
}

function valueInfo({ name, dims, type }: GraphValue): Onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType:
          type === 'uint8' ? onnx.TensorProto.DataType.UINT8 : onnx.TensorProto.DataType.FLOAT,
        shape: {
          dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  };
}

/** Initializer element types the graphs use: float32 values, int8 weights, uint8 zero points, int32 biases. */
export type ConstantData = Float32Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

function dataType(data: ConstantData): number {
  const { DataType } = onnx.TensorProto;
  if (data instanceof Float32Array) return DataType.FLOAT;
  if (data instanceof Int8Array) return DataType.INT8;
  if (data instanceof Uint8Array) return DataType.UINT8;
  if (data instanceof BigInt64Array) return DataType.INT64;
  return DataType.INT32;
}

/** Collects nodes and initializers and writes an IR 10 / opset 21 model. */
export class GraphBuilder {
  private readonly nodes: Onnx.INodeProto[] = [];
  private readonly initializers = new Map<string, Onnx.ITensorProto>();
  private counter = 0;
  private readonly name: string;

  constructor(name: string) {
    this.name = name;
  }

  /** Adds a constant (float32, int8, uint8 or int32) once per name; returns its name. */
  constant(name: string, dims: readonly number[], data: ConstantData): string {
    if (!this.initializers.has(name)) {
      const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      this.initializers.set(name, { name, dims: [...dims], dataType: dataType(data), rawData });
    }
    return name;
  }

  /** Adds one node with one output (named `output`, or generated); returns the output's name. */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Record<string, AttributeValue> = {},
    output = `${opType.toLowerCase()}_${this.counter++}`,
  ): string {
    this.nodes.push({
      opType,
      name: output,
      input: [...inputs],
      output: [output],
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    });
    return output;
  }

  /**
   * Writes the model; the node producing `result` is renamed so the graph output has a stable name.
   * `extraOutputs` (float32 vectors, e.g. calibration statistics) are appended to the outputs.
   */
  build(
    input: GraphValue,
    result: string,
    output: GraphValue,
    extraOutputs: readonly string[] = [],
  ): Uint8Array {
    const producer = this.nodes.find((node) => node.output?.[0] === result);
    if (!producer?.output) throw new Error(`no node produces ${result}`);
    producer.output[0] = output.name;
    for (const node of this.nodes)
      node.input = node.input?.map((name) => (name === result ? output.name : name));
    const model: ModelProto = {
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: 'latent-lab',
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: [...this.initializers.values()],
        input: [valueInfo(input)],
        output: [
          valueInfo(output),
          ...extraOutputs.map((name) => valueInfo({ name, dims: [`${name}_length`] })),
        ],
      },
    };
    return onnx.ModelProto.encode(model).finish();
  }
}

export function decodeModel(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}
