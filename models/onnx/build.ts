/**
 * Writes ONNX models from TypeScript with onnx-proto: a graph of standard operators with the
 * trained weights as initializers. Deterministic: the same weights give the same bytes, so a
 * committed model can be checked against what its training script produces.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export const FLOAT = onnx.TensorProto.DataType.FLOAT;

export function tensor(name: string, dims: number[], values: ArrayLike<number>): InstanceType<typeof onnx.TensorProto> {
  return onnx.TensorProto.create({ name, dims, dataType: FLOAT, floatData: Array.from(Float32Array.from(values)) });
}

/** A float input/output; `null` in a shape is a dynamic dimension (the batch). */
export function value(name: string, shape: (number | null)[]): InstanceType<typeof onnx.ValueInfoProto> {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: shape.map((d) => (d === null ? { dimParam: 'N' } : { dimValue: d })) },
      },
    },
  });
}

export function node(
  opType: string,
  input: string[],
  output: string[],
  attrs: Record<string, number> = {},
): InstanceType<typeof onnx.NodeProto> {
  return onnx.NodeProto.create({
    opType,
    input,
    output,
    name: `${opType}_${output[0]}`,
    attribute: Object.entries(attrs).map(([name, f]) =>
      Number.isInteger(f)
        ? onnx.AttributeProto.create({ name, i: f, type: onnx.AttributeProto.AttributeType.INT })
        : onnx.AttributeProto.create({ name, f, type: onnx.AttributeProto.AttributeType.FLOAT }),
    ),
  });
}

export interface GraphSpec {
  name: string;
  doc: string;
  nodes: InstanceType<typeof onnx.NodeProto>[];
  initializers: InstanceType<typeof onnx.TensorProto>[];
  inputs: InstanceType<typeof onnx.ValueInfoProto>[];
  outputs: InstanceType<typeof onnx.ValueInfoProto>[];
  /** Written into the model's metadata (feature names, version, training data). */
  metadata: Record<string, string>;
}

export function encodeModel(g: GraphSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'codance',
    producerVersion: '1',
    docString: g.doc,
    opsetImport: [{ domain: '', version: 13 }],
    metadataProps: Object.entries(g.metadata).map(([key, value]) => ({ key, value })),
    graph: { name: g.name, node: g.nodes, initializer: g.initializers, input: g.inputs, output: g.outputs },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** The key/value metadata a model was written with (training facts, calibration constants). */
export function readMetadata(bytes: Uint8Array): Record<string, string> {
  const model = onnx.ModelProto.decode(bytes);
  const entries: [string, string][] = model.metadataProps.map((p) => [String(p.key), String(p.value)]);
  return Object.fromEntries(entries);
}

/** The values of one initializer (a trained weight tensor) of a model, by name. */
export function readInitializer(bytes: Uint8Array, name: string): Float32Array {
  const model = onnx.ModelProto.decode(bytes);
  const t = model.graph?.initializer?.find((i) => i.name === name);
  if (!t) throw new Error(`the model has no initializer ${name}`);
  return Float32Array.from(t.floatData ?? []);
}
