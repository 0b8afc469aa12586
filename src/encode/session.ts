/**
 * The only module that imports onnxruntime-node. It opens a CPU session with intra-op threads = the machine's
 * parallelism (docs/development.md, "onnxruntime-node": sequential execution, explicit thread count) and runs int64 feeds to float
 * outputs as flat typed arrays, so the rest of bench never touches ORT types.
 */
import { availableParallelism } from "node:os";
import * as ort from "onnxruntime-node";
import { inputError } from "../errors.js";

/** A flat row-major float tensor. */
export interface FloatTensor {
  data: Float32Array;
  dims: number[];
}

/** A flat row-major int64 tensor. */
export interface Int64Tensor {
  data: BigInt64Array;
  dims: number[];
}

/** An open inference session. */
export interface EncoderSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Declared shape of an output (symbolic dims as strings), or null when the graph does not say. */
  outputShape(name: string): (number | string)[] | null;
  /** Runs the graph and returns the requested float outputs. */
  run(feeds: Record<string, Int64Tensor>, outputs: readonly string[]): Promise<Record<string, FloatTensor>>;
  release(): Promise<void>;
  /** Batches the encoder may send before awaiting the first reply (a worker process pipelines them); default 1. */
  readonly maxInFlight?: number;
}

/** onnxruntime-node's version, recorded in results. */
export const ortVersion: string = ort.env.versions.common ?? "unknown";

/** Default intra-op threads: every core the process may use. */
export function defaultThreads(): number {
  return availableParallelism();
}

/** Opens `path` (external data files are found next to it by ORT) on the CPU execution provider. */
export async function openSession(path: string, threads: number = defaultThreads()): Promise<EncoderSession> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(path, {
      executionProviders: ["cpu"],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
    });
  } catch (err) {
    throw inputError(`encode: onnxruntime cannot load ${path}: ${(err as Error).message}`);
  }
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    outputShape(name) {
      const meta = session.outputMetadata.find((m) => m.name === name);
      return meta?.isTensor ? meta.shape.map((d) => (typeof d === "string" ? d : Number(d))) : null;
    },
    async run(feeds, outputs) {
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor("int64", t.data, t.dims);
      let result: ort.InferenceSession.OnnxValueMapType;
      try {
        result = await session.run(ortFeeds, outputs as string[]);
      } catch (err) {
        const shapes = Object.entries(feeds)
          .map(([n, t]) => `${n} [${t.dims.join(", ")}]`)
          .join(", ");
        throw inputError(`encode: onnxruntime failed running ${path} on ${shapes}: ${(err as Error).message}`);
      }
      const out: Record<string, FloatTensor> = {};
      for (const name of outputs) {
        const t = result[name];
        if (t.type !== "float32") throw inputError(`encode: ${path}: output ${name} is ${t.type}, expected float32`);
        out[name] = { data: t.data as Float32Array, dims: t.dims.map(Number) };
      }
      return out;
    },
    release: () => session.release(),
  };
}

/** A session over an in-memory float graph with one input and one output (bench's own helper graphs). */
export interface FloatGraph {
  run(input: FloatTensor): Promise<FloatTensor>;
  release(): Promise<void>;
}

/** Opens `model` (ONNX bytes) whose float input `input` maps to float output `output`, on the CPU EP. */
export async function openFloatGraph(
  model: Uint8Array,
  input: string,
  output: string,
  threads: number = defaultThreads(),
): Promise<FloatGraph> {
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ["cpu"],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
  });
  return {
    async run(x) {
      const result = await session.run({ [input]: new ort.Tensor("float32", x.data, x.dims) }, [output]);
      const t = result[output];
      return { data: t.data as Float32Array, dims: t.dims.map(Number) };
    },
    release: () => session.release(),
  };
}
