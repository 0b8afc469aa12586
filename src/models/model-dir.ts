/**
 * Model directories (docs/model-format.md): bench_model.json parsed and validated, or a bge-m3-style ONNX
 * export recognised by its output names; `ORG/NAME[@revision]` fetched from the hub into the HF cache first.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { inputError } from "../errors.js";
import { repoPathProblem } from "../hub/validate.js";
import { chooseOnnxGraph, folderOf, inFolder, onnxPurposeFiles, torchPurposeFiles } from "../hub/model-files.js";
import { modelPath, relativePathProblem } from "../util/model-paths.js";

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
  if (!statSync(file).isFile()) throw inputError(`model: ${file} is not a regular file`);
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
  if (!existsSync(join(dir, "config.json"))) return null; // called when the directory has no ONNX graph
  const out = `${basename(resolve(dir))}-init`;
  const head = existsSync(join(dir, "colbert_linear.pt"))
    ? ""
    : '; it has no ColBERT head (colbert_linear.pt), so the export gets a new randomly initialised head (seeded by --seed) and its "before" score is that of a random head';
  return inputError(
    `model: ${spec} has config.json but no model.onnx (a training base, not an exported model); export its untrained starting point with \`bench train --model ${spec} --out ${out} --export-initial\`, then \`bench eval --model ${out}\`${head}`,
  );
}

/** A `--model` value that names a hub repo: ORG/NAME[@revision]. */
export function parseHubId(spec: string): { repoId: string; revision: string } | null {
  const m = /^([A-Za-z0-9][\w.-]*\/[\w.-]+)(?:@([\w./-]+))?$/.exec(spec);
  return m ? { repoId: m[1], revision: m[2] ?? "main" } : null;
}

/** Where a model directory came from, and which of its files to load (the hub/head/trainer contract). */
export interface ResolvedModelDir {
  /** Local model root: a directory, or the hub snapshot folder snapshots/<commit>. */
  dir: string;
  /** "BAAI/bge-m3" or the directory basename. */
  name: string;
  /** hub: the 40-hex commit the revision resolved to; local: null. */
  revision: string | null;
  /** The ONNX graph to load, relative to dir ("model.onnx", "onnx/model.onnx", or --onnx-file), or null (torch purpose / none found). */
  onnxFile: string | null;
  /** The directory whose tokenizer.json (+ tokenizer_config.json, special_tokens_map.json) to use: dir when it has one, else the graph's folder. */
  tokenizerDir: string;
}

/** Graph names tried in order when neither bench_model.json nor --onnx-file names one. */
export const DEFAULT_ONNX_FILES = ["model.onnx", "onnx/model.onnx"];

/** `*.onnx` files at the root and in `onnx/` (for the message when the defaults are missing). */
function onnxCandidates(dir: string): string[] {
  const list = (sub: string): string[] => {
    const d = join(dir, sub);
    return existsSync(d) && statSync(d).isDirectory()
      ? readdirSync(d)
          .filter((f) => f.endsWith(".onnx"))
          .map((f) => (sub ? `${sub}/${f}` : f))
      : [];
  };
  return [...list(""), ...list("onnx")].sort();
}

/**
 * The graph of a local model root: `onnxFile` (--onnx-file) when given (checked to stay inside the root), else
 * model.onnx, else onnx/model.onnx; else the only `*.onnx` there; null when there is none. Several other
 * candidates are an error listing them, unless bench_model.json is there (its onnx_file names the graph).
 */
export function chooseLocalOnnxFile(dir: string, onnxFile?: string): string | null {
  if (onnxFile !== undefined) {
    modelPath(dir, onnxFile, dir, "--onnx-file");
    return onnxFile;
  }
  const found = DEFAULT_ONNX_FILES.find((f) => existsSync(join(dir, f)));
  if (found) return found;
  const others = onnxCandidates(dir);
  if (others.length > 1 && !existsSync(join(dir, "bench_model.json")))
    throw inputError(
      `model: ${dir} has no model.onnx or onnx/model.onnx but several graphs (${others.join(", ")}); pick one with --onnx-file`,
    );
  return others.length === 1 ? others[0] : null;
}

/** Options of resolveModelDir: hub endpoint/cache (default HF_ENDPOINT / HF_HUB_CACHE), --onnx-file, and the path it is for. */
export interface ResolveModelDirOptions {
  endpoint?: string;
  cacheDir?: string;
  onnxFile?: string;
  purpose?: "onnx" | "torch";
}

/** onnx_file of a bench_model.json, when it names one (validated with the rest later by readBenchModel). */
function benchModelGraph(file: string): string | undefined {
  try {
    const o = JSON.parse(readFileSync(file, "utf8")) as { onnx_file?: unknown };
    return typeof o?.onnx_file === "string" ? o.onnx_file : undefined;
  } catch {
    return undefined; // readBenchModel reports a broken file with its own message
  }
}

/** bench_model.json's onnx_file: a path inside the model directory (issue 11 item 3), used as written. */
function declaredGraph(f: string, file: string): string {
  const why = repoPathProblem(f.replace(/^\.\//, ""));
  if (why !== null)
    throw inputError(`model: ${file}: field "onnx_file" ${JSON.stringify(f)} ${why}; it must be a path inside the model directory`);
  return f.replace(/^\.\//, "");
}

/**
 * tokenizerDir of the contract, for local directories and hub snapshots alike (`has` says whether a repo-relative
 * file exists): the root when it has tokenizer.json (or vocab.txt), else the graph's folder when that has a
 * tokenizer.json, else the root.
 */
function tokenizerDirOf(dir: string, has: (f: string) => boolean, graph: string | null): string {
  if (graph === null || has("tokenizer.json") || has("vocab.txt")) return dir;
  const folder = folderOf(graph);
  return has(inFolder(folder, "tokenizer.json")) ? join(dir, ...folder.split("/").filter(Boolean)) : dir;
}

/**
 * Resolves a local directory, or a hub id ORG/NAME[@revision] by listing the repo at the revision and fetching
 * only the files the purpose needs (src/hub/model-files.ts) into one snapshot, plus every external-data file the
 * chosen graph names. Offline (HF_HUB_OFFLINE=1) the cached snapshot is used; all missing files in one message.
 */
export async function resolveModelDir(spec: string, opts: ResolveModelDirOptions = {}): Promise<ResolvedModelDir> {
  const purpose = opts.purpose ?? "onnx";
  if (existsSync(spec)) {
    if (!statSync(spec).isDirectory())
      throw inputError(`model: ${spec} is a file; expected a model directory (model.onnx + tokenizer.json)`);
    const dir = resolve(spec);
    const onnxFile = purpose === "torch" ? null : chooseLocalOnnxFile(dir, opts.onnxFile);
    return {
      dir,
      name: basename(dir),
      revision: null,
      onnxFile,
      tokenizerDir: tokenizerDirOf(dir, (f) => existsSync(join(dir, ...f.split("/"))), onnxFile),
    };
  }
  const hub = parseHubId(spec);
  if (!hub) throw inputError(`model: ${spec} is neither a directory nor ORG/NAME[@revision]`);
  const { openSnapshot, fetchFiles } = await import("../hub/snapshot.js");
  const need =
    purpose === "torch"
      ? ["config.json", "model.safetensors or pytorch_model.bin", "tokenizer.json"]
      : ["model.onnx or onnx/model.onnx (and its external data)", "tokenizer.json"];
  const snap = await openSnapshot(
    { repoType: "model", repoId: hub.repoId, revision: hub.revision, endpoint: opts.endpoint, cacheDir: opts.cacheDir },
    need,
  );
  const names = [...snap.files.keys()];
  const where = `${hub.repoId}@${snap.commit}`;
  const has = (f: string): boolean => snap.files.has(f);
  const revision = /^[0-9a-f]{40}$/.test(snap.commit) ? snap.commit : hub.revision;
  if (purpose === "torch") {
    const picked = torchPurposeFiles(names);
    if (picked.missing.length > 0 && snap.offline) await fetchFiles(snap, [...picked.files, ...picked.missing]);
    if (picked.missing.length > 0)
      throw inputError(
        `model: ${where} has no ${picked.missing.join(", ")} (for --backend torch / training); its files: ${names.join(", ")}`,
      );
    await fetchFiles(snap, picked.files);
    return { dir: snap.dir, name: hub.repoId, revision, onnxFile: null, tokenizerDir: snap.dir };
  }
  let graph: string | null;
  const declared =
    opts.onnxFile === undefined && has("bench_model.json") ? benchModelGraph((await fetchFiles(snap, ["bench_model.json"]))[0]) : undefined;
  if (declared !== undefined) {
    graph = declaredGraph(declared, `${where}/bench_model.json`);
    if (!has(graph)) throw inputError(`model: ${where}/bench_model.json names onnx_file ${graph}, which the repo does not have`);
  } else graph = chooseOnnxGraph(names, opts.onnxFile, where);
  if (graph === null && snap.offline)
    await fetchFiles(snap, ["model.onnx (or onnx/model.onnx)", ...(has("tokenizer.json") ? [] : ["tokenizer.json"])]);
  if (graph === null)
    throw inputError(`model: ${where} has no ONNX graph (files: ${names.join(", ")}); use --backend torch, or a repo with an ONNX export`);
  const picked = onnxPurposeFiles(names, graph);
  if (picked.missing.length > 0 && snap.offline) await fetchFiles(snap, [...picked.files, ...picked.missing]);
  if (picked.missing.length > 0) throw inputError(`model: ${where} has no ${picked.missing.join(", ")} next to ${graph}`);
  const { externalDataFiles } = await import("../onnx/external-data-files.js");
  const dataOf = async (graphPath: string): Promise<string[]> =>
    (await externalDataFiles(graphPath, `${where}/${graph}`)).map((loc) => inFolder(folderOf(graph), loc));
  if (snap.offline) {
    // Offline: name every missing file at once, the graph's external data included when the graph is there.
    const graphPath = join(snap.dir, ...graph.split("/"));
    const data = existsSync(graphPath) ? await dataOf(graphPath) : [];
    await fetchFiles(snap, [...picked.files, ...data]);
  } else {
    const [graphPath] = await fetchFiles(snap, [graph]);
    const data = await dataOf(graphPath);
    const unlisted = data.filter((d) => !has(d));
    if (unlisted.length > 0)
      throw inputError(`model: ${where}/${graph} names external data the repo does not have: ${unlisted.join(", ")}`);
    await fetchFiles(snap, [...picked.files, ...data]);
  }
  return { dir: snap.dir, name: hub.repoId, revision, onnxFile: graph, tokenizerDir: tokenizerDirOf(snap.dir, has, graph) };
}
