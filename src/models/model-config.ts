/**
 * Model configuration (docs/model-format.md): bench_model.json parsed and validated, or the config of a
 * bge-m3-style ONNX export recognised by its output names. Where the model root comes from (a local directory
 * or a hub snapshot) is src/hub/resolve-model-dir.ts.
 */
import { existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { inputError } from "../errors.js";
import { readModelJson, relativePathProblem } from "../util/model-paths.js";

/** What bench_model.json says, camel-cased. */
export interface ModelConfig {
  type: "colbert" | "dense" | "cross-encoder";
  onnxFile: string;
  inputs: { inputIds: string; attentionMask: string; tokenTypeIds: string | null };
  output: string;
  outputLayout: "tokens_without_cls" | "tokens" | "pooled" | "logits";
  normalized: boolean;
  pooling: "cls" | "mean" | null;
  dim: number | null;
  queryMaxLength: number;
  maxLength: number;
  queryPrefix: string;
  documentPrefix: string;
  name: string;
  revision: string | null;
  /**
   * colbert_linear.pt (path relative to the model root) applied in Node to a hidden-state output (ColBERT with
   * output_layout "tokens"), or null. bench_model.json "colbert_head"; detected for bge-m3's own `onnx/` export.
   */
  colbertHead: string | null;
  /** "bench_model.json", "detected bge-m3 export", "detected bge-m3 hidden-state export + colbert_linear.pt", … */
  origin: string;
}

/** The bge-m3 ONNX export outputs (docs/spec.md §4d), in order. */
export const BGE_M3_OUTPUTS = ["dense_vecs", "sparse_vecs", "colbert_vecs"] as const;

const KEYS = [
  "format",
  "type",
  "onnx_file",
  "inputs",
  "output",
  "output_layout",
  "normalized",
  "pooling",
  "dim",
  "query_max_length",
  "max_length",
  "query_prefix",
  "document_prefix",
  "name",
  "revision",
  "colbert_head",
  "base_model",
  "step",
];

type Json = Record<string, unknown>;

function field<T>(o: Json, key: string, file: string, ok: (v: unknown) => boolean, expected: string, dflt?: T): T {
  const v = o[key];
  if (v === undefined && dflt !== undefined) return dflt;
  if (!ok(v)) throw inputError(`model: ${file}: field "${key}" must be ${expected}, got ${JSON.stringify(v)}`);
  return v as T;
}

const isStr = (v: unknown): boolean => typeof v === "string";
const isPosInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;
const oneOf =
  (...xs: unknown[]) =>
  (v: unknown): boolean =>
    xs.includes(v);

/** Parses and validates a bench_model.json object; `file` names it in errors, `dirName` is the default name. */
export function parseBenchModel(o: Json, file: string, dirName: string): ModelConfig {
  if (o === null || typeof o !== "object" || Array.isArray(o)) throw inputError(`model: ${file}: expected a JSON object`);
  for (const k of Object.keys(o))
    if (!KEYS.includes(k)) throw inputError(`model: ${file}: unknown field "${k}" (known: ${KEYS.join(", ")})`);
  field(o, "format", file, oneOf("bench-model/1"), `"bench-model/1"`);
  const type = field<ModelConfig["type"]>(o, "type", file, oneOf("colbert", "dense", "cross-encoder"), "colbert | dense | cross-encoder");
  const layouts = { colbert: ["tokens_without_cls", "tokens"], dense: ["tokens", "pooled"], "cross-encoder": ["logits"] }[type];
  const outputLayout = field<ModelConfig["outputLayout"]>(
    o,
    "output_layout",
    file,
    oneOf(...layouts),
    `one of ${layouts.join(" | ")} for type ${type}`,
  );
  const inputs = field<Json>(o, "inputs", file, (v) => !!v && typeof v === "object", "an object", {
    input_ids: "input_ids",
    attention_mask: "attention_mask",
    token_type_ids: null,
  });
  const pooling = field<ModelConfig["pooling"]>(o, "pooling", file, oneOf(null, "cls", "mean"), "null | cls | mean", null);
  if (type === "dense" && outputLayout === "tokens" && pooling === null)
    throw inputError(`model: ${file}: a dense model with output_layout "tokens" needs "pooling": "cls" or "mean"`);
  const maxLength = field<number>(o, "max_length", file, isPosInt, "a positive integer", 512);
  const path = (v: unknown): boolean => isStr(v) && relativePathProblem(v as string) === null;
  const colbertHead = field<string | null>(
    o,
    "colbert_head",
    file,
    (v) => v === null || path(v),
    "null or a path inside the model directory (no absolute path, no ..)",
    null,
  );
  if (colbertHead !== null && !(type === "colbert" && outputLayout === "tokens"))
    throw inputError(`model: ${file}: "colbert_head" applies to type colbert with output_layout "tokens" (the last hidden state) only`);
  return {
    type,
    onnxFile: field(o, "onnx_file", file, path, "a path inside the model directory (no absolute path, no ..)", "model.onnx"),
    inputs: {
      inputIds: field(inputs, "input_ids", `${file} inputs`, isStr, "an input name", "input_ids"),
      attentionMask: field(inputs, "attention_mask", `${file} inputs`, isStr, "an input name", "attention_mask"),
      tokenTypeIds:
        inputs.token_type_ids === undefined
          ? null
          : field(inputs, "token_type_ids", `${file} inputs`, (v) => v === null || isStr(v), "an input name or null"),
    },
    output: field(o, "output", file, isStr, "an output name"),
    outputLayout,
    normalized: field(o, "normalized", file, (v) => typeof v === "boolean", "true or false", false),
    pooling,
    dim: field(o, "dim", file, (v) => v === null || isPosInt(v), "a positive integer or null", null),
    queryMaxLength: field(o, "query_max_length", file, isPosInt, "a positive integer", maxLength),
    maxLength,
    queryPrefix: field(o, "query_prefix", file, isStr, "a string", ""),
    documentPrefix: field(o, "document_prefix", file, isStr, "a string", ""),
    name: field(o, "name", file, isStr, "a string", dirName),
    revision: field(o, "revision", file, (v) => v === null || isStr(v), "a string or null", null),
    colbertHead,
    origin: "bench_model.json",
  };
}

/** The config of a bge-m3-style export without bench_model.json (docs/model-format.md defaults). */
export function bgeM3Config(name: string, revision: string | null, dim: number | null, onnxFile = "model.onnx"): ModelConfig {
  return {
    type: "colbert",
    onnxFile,
    inputs: { inputIds: "input_ids", attentionMask: "attention_mask", tokenTypeIds: null },
    output: "colbert_vecs",
    outputLayout: "tokens_without_cls",
    normalized: true,
    pooling: null,
    dim,
    queryMaxLength: 256,
    maxLength: 256,
    queryPrefix: "",
    documentPrefix: "",
    name,
    revision,
    colbertHead: null,
    origin: "detected bge-m3 export",
  };
}

/**
 * bge-m3's own `onnx/` export (one output: the encoder's last hidden state) with the repo's colbert_linear.pt
 * applied in Node: bge-m3 ColBERT (docs/spec.md §4a) with the docs/model-format.md defaults.
 */
export function hiddenStateColbertConfig(
  name: string,
  revision: string | null,
  onnxFile: string,
  output: string,
  dim: number | null,
  colbertHead: string,
): ModelConfig {
  return {
    ...bgeM3Config(name, revision, dim, onnxFile),
    output,
    outputLayout: "tokens",
    normalized: false,
    colbertHead,
    origin: `detected bge-m3 hidden-state export + ${colbertHead}`,
  };
}

/** Reads DIR/bench_model.json, or returns null when the directory has none (the caller then probes the graph). */
export function readBenchModel(dir: string, name = basename(resolve(dir))): ModelConfig | null {
  const file = join(dir, "bench_model.json");
  if (!existsSync(file)) return null;
  return parseBenchModel(readModelJson(file) as Json, file, name);
}

/**
 * The error for a directory with config.json but no model.onnx and no bench_model.json: a training base (HF
 * weights), not an exported model. It names the command that exports its untrained starting point (the "before").
 */
export function trainingBaseError(dir: string, spec: string): Error | null {
  if (!existsSync(join(dir, "config.json"))) return null; // called when the directory has no ONNX graph
  const out = `${basename(resolve(dir))}-init`;
  const head = existsSync(join(dir, "colbert_linear.pt"))
    ? ""
    : '; it has no ColBERT head (colbert_linear.pt), so the export gets a new randomly initialised head (seeded by --seed) and its "before" score is that of a random head';
  return inputError(
    `model: ${spec} has config.json but no model.onnx (a training base, not an exported model); export its untrained starting point with \`bench train --model ${spec} --out ${out} --export-initial\`, then \`bench eval --model ${out}\`${head}`,
  );
}
