/**
 * Which files of a model (a hub listing or a local directory) a path needs (the hub/head/trainer contract):
 * the ONNX graph choice, and the file sets of the "onnx" and "torch" purposes. Pure functions over file names
 * (repo-relative, "/"-separated); the caller fetches or checks them. Never tf_model.h5, flax_model.msgpack,
 * *.ot, images or README: only the names below are ever picked.
 */
import { inputError } from "../errors.js";
import { repoPathProblem } from "../util/repo-path.js";

const TOKENIZER = [
  "tokenizer.json",
  "tokenizer_config.json",
  "special_tokens_map.json",
  "sentencepiece.bpe.model",
  "vocab.txt",
  "added_tokens.json",
];
const ONNX_EXTRAS = [
  "config.json",
  "bench_model.json",
  "colbert_linear.pt",
  "modules.json",
  "config_sentence_transformers.json",
  "sentence_bert_config.json",
  "1_Pooling/config.json",
];
const NORMALIZE = /^\d+_Normalize\/[^/]+$/;

/** Graph names tried in order when neither bench_model.json nor --onnx-file names one. */
export const DEFAULT_ONNX_FILES = ["model.onnx", "onnx/model.onnx"];

/** The encoder weight files the torch path loads (and training copies), in preference order; never tf/flax weights. */
export const TORCH_WEIGHT_FILES = ["model.safetensors", "pytorch_model.bin"];

/** The folder part of a repo path ("" for the root). */
export function folderOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

/** `name` inside `folder` ("" = root). */
export function inFolder(folder: string, name: string): string {
  return folder === "" ? name : `${folder}/${name}`;
}

/** When several graphs match and neither default is there: the error to throw, or null to choose none. */
export type SeveralGraphs = (graphs: string[]) => Error | null;

/**
 * The graph to load: `onnxFile` when given (it must be listed and stay inside the model root); else model.onnx;
 * else onnx/model.onnx; else the only *.onnx file; null when there is none. Several candidates and none of the
 * two defaults: `several` decides (by default an error listing them and suggesting --onnx-file). `where` names
 * the model in errors. Local directories use the same rule over their listing (src/hub/resolve-model-dir.ts).
 */
export function chooseOnnxGraph(
  files: Iterable<string>,
  onnxFile: string | undefined,
  where: string,
  several: SeveralGraphs = (graphs) =>
    inputError(
      `model: ${where} has several ONNX graphs and neither model.onnx nor onnx/model.onnx: ${graphs.join(", ")}; pick one with --onnx-file PATH`,
    ),
): string | null {
  const all = new Set(files);
  const graphs = [...all].filter((f) => f.endsWith(".onnx")).sort();
  if (onnxFile !== undefined) {
    const f = onnxFile.replace(/^\.\//, "");
    const why = repoPathProblem(f);
    if (why !== null) throw inputError(`model: --onnx-file ${JSON.stringify(onnxFile)} ${why}; it must be a path inside ${where}`);
    if (!all.has(f)) throw inputError(`model: --onnx-file ${f} is not in ${where} (its ONNX graphs: ${graphs.join(", ") || "none"})`);
    return f;
  }
  for (const d of DEFAULT_ONNX_FILES) if (all.has(d)) return d;
  if (graphs.length === 1) return graphs[0];
  const err = graphs.length > 1 ? several(graphs) : null;
  if (err !== null) throw err;
  return null;
}

/** A set of picked files and the required ones the model lacks. */
export interface Picked {
  files: string[];
  missing: string[];
}

/** Files of the "onnx" purpose besides the graph's external data (read from the graph once it is present). */
export function onnxPurposeFiles(files: Iterable<string>, graph: string): Picked {
  const all = new Set(files);
  const gdir = folderOf(graph);
  const want = [graph];
  for (const d of new Set(["", gdir])) for (const t of [...TOKENIZER, "config.json"]) want.push(inFolder(d, t));
  want.push(...ONNX_EXTRAS, ...[...all].filter((f) => NORMALIZE.test(f)).sort());
  const picked = [...new Set(want)].filter((f) => all.has(f));
  const hasTokenizer = ["tokenizer.json", "vocab.txt"].some((t) => all.has(t) || all.has(inFolder(gdir, t)));
  return { files: picked, missing: hasTokenizer ? [] : ["tokenizer.json"] };
}

/** Files of the "torch" purpose: config.json, model.safetensors (else pytorch_model.bin), heads, tokenizer files. */
export function torchPurposeFiles(files: Iterable<string>): Picked {
  const all = new Set(files);
  const weights = TORCH_WEIGHT_FILES.find((w) => all.has(w)) ?? null;
  const want = ["config.json", ...(weights ? [weights] : []), "colbert_linear.pt", "bench_model.json", ...TOKENIZER];
  const missing = [];
  if (!all.has("config.json")) missing.push("config.json");
  if (weights === null) missing.push(TORCH_WEIGHT_FILES.join(" or "));
  if (!all.has("tokenizer.json") && !all.has("vocab.txt")) missing.push("tokenizer.json");
  return { files: want.filter((f) => all.has(f)), missing };
}
