// The graph model's JSON as the load-time passes see it: a TF GraphDef's nodes as the TF.js converter writes them
// (model.json's modelTopology.node), the weight specs, and the weight bytes those specs describe.

/** One node of a TF GraphDef as the TF.js converter writes it. */
export interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, AttrValue>;
  device?: string;
}
export interface AttrValue {
  s?: string; // base64
  i?: string;
  f?: number;
  b?: boolean;
  type?: string;
  shape?: { dim?: { size: string }[] };
  list?: { s?: string[]; i?: string[] };
  tensor?: unknown;
}
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: unknown;
}
/** The parts of model.json + .bin that the passes read and rewrite. */
export interface GraphArtifacts {
  nodes: GraphNode[];
  weightSpecs: WeightSpec[];
  weightData: ArrayBuffer;
}

/** Bytes per element as stored in the .bin shards (quantized weights store their quantized type). */
const STORED_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, int8: 1, int16: 2 };

/** Bytes the weights manifest says its shards hold, or null when it cannot tell (string weights). */
export function expectedWeightBytes(specs: readonly WeightSpec[]): number | null {
  let total = 0;
  for (const w of specs) {
    const stored = (w.quantization as { dtype?: string } | undefined)?.dtype ?? w.dtype;
    const per = STORED_BYTES[stored];
    if (per == null) return null;
    total += per * w.shape.reduce((a, b) => a * b, 1);
  }
  return total;
}
