/**
 * Model directories (docs/model-format.md): bench_model.json parsed and validated, or a bge-m3-style ONNX
 * export recognised by its output names; `ORG/NAME[@revision]` fetched from the hub into the HF cache first.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { inputError } from "../errors.js";

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
  /** "bench_model.json" or "detected bge-m3 export". */
  origin: string;
}

/** The bge-m3 ONNX export outputs (spec §4d), in order. */
export const BGE_M3_OUTPUTS = ["dense_vecs", "sparse_vecs", "colbert_vecs"] as const;

const KEYS = ["format", "type", "onnx_file", "inputs", "output", "output_layout", "normalized", "pooling", "dim", "query_max_length", "max_length", "query_prefix", "document_prefix", "name", "revision", "base_model", "step"];

type Json = Record<string, unknown>;

function field<T>(o: Json, key: string, file: string, ok: (v: unknown) => boolean, expected: string, dflt?: T): T {
  const v = o[key];
  if (v === undefined && dflt !== undefined) return dflt;
  if (!ok(v)) throw inputError(`model: ${file}: field "${key}" must be ${expected}, got ${JSON.stringify(v)}`);
  return v as T;
}

const isStr = (v: unknown): boolean => typeof v === "string";
const isPosInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;
const oneOf = (...xs: unknown[]) => (v: unknown): boolean => xs.includes(v);

/** Parses and validates a bench_model.json object; `file` names it in errors, `dirName` is the default name. */
export function parseBenchModel(o: Json, file: string, dirName: string): ModelConfig {
  if (o === null || typeof o !== "object" || Array.isArray(o)) throw inputError(`model: ${file}: expected a JSON object`);
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) throw inputError(`model: ${file}: unknown field "${k}" (known: ${KEYS.join(", ")})`);
  field(o, "format", file, oneOf("bench-model/1"), `"bench-model/1"`);
  const type = field<ModelConfig["type"]>(o, "type", file, oneOf("colbert", "dense", "cross-encoder"), "colbert | dense | cross-encoder");
  const layouts = { colbert: ["tokens_without_cls", "tokens"], dense: ["tokens", "pooled"], "cross-encoder": ["logits"] }[type];
  const outputLayout = field<ModelConfig["outputLayout"]>(o, "output_layout", file, oneOf(...layouts), `one of ${layouts.join(" | ")} for type ${type}`);
  const inputs = field<Json>(o, "inputs", file, (v) => !!v && typeof v === "object", "an object", { input_ids: "input_ids", attention_mask: "attention_mask", token_type_ids: null });
  const pooling = field<ModelConfig["pooling"]>(o, "pooling", file, oneOf(null, "cls", "mean"), "null | cls | mean", null);
  if (type === "dense" && outputLayout === "tokens" && pooling === null) throw inputError(`model: ${file}: a dense model with output_layout "tokens" needs "pooling": "cls" or "mean"`);
  const maxLength = field<number>(o, "max_length", file, isPosInt, "a positive integer", 512);
  return {
    type,
    onnxFile: field(o, "onnx_file", file, isStr, "a file name", "model.onnx"),
    inputs: {
      inputIds: field(inputs, "input_ids", `${file} inputs`, isStr, "an input name", "input_ids"),
      attentionMask: field(inputs, "attention_mask", `${file} inputs`, isStr, "an input name", "attention_mask"),
      tokenTypeIds: inputs.token_type_ids === undefined ? null : field(inputs, "token_type_ids", `${file} inputs`, (v) => v === null || isStr(v), "an input name or null"),
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
    origin: "bench_model.json",
  };
}

/** The config of a bge-m3-style export without bench_model.json (docs/model-format.md defaults). */
export function bgeM3Config(name: string, revision: string | null, dim: number | null): ModelConfig {
  return {
    type: "colbert",
    onnxFile: "model.onnx",
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
    origin: "detected bge-m3 export",
  };
}

/** Reads DIR/bench_model.json, or returns null when the directory has none (the caller then probes the graph). */
export function readBenchModel(dir: string, name = basename(resolve(dir))): ModelConfig | null {
  const file = join(dir, "bench_model.json");
  if (!existsSync(file)) return null;
  let o: Json;
  try {
    o = JSON.parse(readFileSync(file, "utf8")) as Json;
  } catch (err) {
    throw inputError(`model: ${file} is not valid JSON: ${(err as Error).message}`);
  }
  return parseBenchModel(o, file, name);
}

/**
 * The error for a directory with config.json but no model.onnx and no bench_model.json: a training base (HF
 * weights), not an exported model. It names the command that exports its untrained starting point (the "before").
 */
export function trainingBaseError(dir: string, spec: string): Error | null {
  if (existsSync(join(dir, "model.onnx")) || !existsSync(join(dir, "config.json"))) return null;
  const out = `${basename(resolve(dir))}-init`;
  const head = existsSync(join(dir, "colbert_linear.pt"))
    ? ""
    : "; it has no ColBERT head (colbert_linear.pt), so the export gets a new randomly initialised head (seeded by --seed) and its \"before\" score is that of a random head";
  return inputError(`model: ${spec} has config.json but no model.onnx (a training base, not an exported model); export its untrained starting point with \`bench train --model ${spec} --out ${out} --export-initial\`, then \`bench eval --model ${out}\`${head}`);
}

/** A `--model` value that names a hub repo: ORG/NAME[@revision]. */
export function parseHubId(spec: string): { repoId: string; revision: string } | null {
  const m = /^([A-Za-z0-9][\w.-]*\/[\w.-]+)(?:@([\w./-]+))?$/.exec(spec);
  return m ? { repoId: m[1], revision: m[2] ?? "main" } : null;
}

/** Where a model directory came from. */
export interface ResolvedModelDir {
  dir: string;
  name: string;
  revision: string | null;
}

const REQUIRED = ["model.onnx", "tokenizer.json"];
const OPTIONAL = ["bench_model.json", "tokenizer_config.json", "special_tokens_map.json", "model.onnx_data", "model.onnx.data"];

/** Resolves a local directory, or downloads a hub model directory (the files above) with src/hub. */
export async function resolveModelDir(spec: string, opts: { endpoint?: string; cacheDir?: string } = {}): Promise<ResolvedModelDir> {
  if (existsSync(spec)) {
    if (!statSync(spec).isDirectory()) throw inputError(`model: ${spec} is a file; expected a model directory (model.onnx + tokenizer.json)`);
    return { dir: resolve(spec), name: basename(resolve(spec)), revision: null };
  }
  const hub = parseHubId(spec);
  if (!hub) throw inputError(`model: ${spec} is neither a directory nor ORG/NAME[@revision]`);
  const { hubDownload, HubNotFoundError } = await import("../hub/download.js");
  const get = (filename: string) => hubDownload({ repoType: "model", repoId: hub.repoId, revision: hub.revision, filename, ...opts });
  let dir = "";
  for (const f of REQUIRED) dir = dirname(await get(f));
  for (const f of OPTIONAL) {
    try {
      await get(f);
    } catch (err) {
      // Optional files are simply absent from many repos; anything but "no such file" is a real failure.
      if (!(err instanceof HubNotFoundError && err.entryMissing)) throw err;
    }
  }
  // The snapshot folder is named by the commit the revision resolved to: record that, not a moving branch.
  const commit = basename(dir);
  return { dir, name: hub.repoId, revision: /^[0-9a-f]{40}$/.test(commit) ? commit : hub.revision };
}
