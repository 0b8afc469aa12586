/**
 * Where a model comes from (the hub/head/trainer contract, docs/model-format.md): a local directory, or a hub id
 * `ORG/NAME[@revision]` whose needed files are fetched into one HF-cache snapshot; and which of its files to load
 * (the ONNX graph, the tokenizer folder). What the model is (bench_model.json, detected exports) is
 * src/models/model-config.ts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { inputError } from "../errors.js";
import { modelPath } from "../util/model-paths.js";
import { isCommitSha } from "./cache.js";
import { TORCH_WEIGHT_FILES, chooseOnnxGraph, folderOf, inFolder, onnxPurposeFiles, torchPurposeFiles } from "./model-files.js";
import type { Snapshot } from "./snapshot.js";
import { repoPathProblem } from "../util/repo-path.js";

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

/** Options of resolveModelDir: hub endpoint/cache (default HF_ENDPOINT / HF_HUB_CACHE), --onnx-file, and the path it is for. */
export interface ResolveModelDirOptions {
  endpoint?: string;
  cacheDir?: string;
  onnxFile?: string;
  purpose?: "onnx" | "torch";
}

/** `*.onnx` files at the root and in `onnx/`: the listing a local graph is chosen from. */
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
 * The graph of a local model root: `onnxFile` (--onnx-file) when given (checked to stay inside the root and be a
 * regular file, not against a listing), else chooseOnnxGraph over the root's and onnx/'s `*.onnx`. Several
 * candidates are an error listing them, unless bench_model.json is there (its onnx_file names the graph): null.
 */
export function chooseLocalOnnxFile(dir: string, onnxFile?: string): string | null {
  if (onnxFile !== undefined) {
    modelPath(dir, onnxFile, dir, "--onnx-file");
    return onnxFile;
  }
  return chooseOnnxGraph(onnxCandidates(dir), undefined, dir, (graphs) =>
    existsSync(join(dir, "bench_model.json"))
      ? null
      : inputError(
          `model: ${dir} has no model.onnx or onnx/model.onnx but several graphs (${graphs.join(", ")}); pick one with --onnx-file`,
        ),
  );
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

/** A local model directory: its graph (none for the torch purpose) and tokenizer folder. */
function resolveLocalDir(spec: string, purpose: "onnx" | "torch", onnxFile: string | undefined): ResolvedModelDir {
  if (!statSync(spec).isDirectory()) throw inputError(`model: ${spec} is a file; expected a model directory (model.onnx + tokenizer.json)`);
  const dir = resolve(spec);
  const graph = purpose === "torch" ? null : chooseLocalOnnxFile(dir, onnxFile);
  return {
    dir,
    name: basename(dir),
    revision: null,
    onnxFile: graph,
    tokenizerDir: tokenizerDirOf(dir, (f) => existsSync(join(dir, ...f.split("/"))), graph),
  };
}

/** A hub repo opened at a revision: its snapshot and listing, and how to fetch listed files into the snapshot. */
interface HubModel {
  snap: Snapshot;
  /** ORG/NAME@commit: names the model in errors. */
  where: string;
  names: string[];
  has: (f: string) => boolean;
  fetch: (names: string[]) => Promise<string[]>;
}

async function openHubModel(repoId: string, revision: string, purpose: "onnx" | "torch", opts: ResolveModelDirOptions): Promise<HubModel> {
  // Lazy: the hub client is only loaded when a model really comes from the hub.
  const { openSnapshot, fetchFiles } = await import("./snapshot.js");
  const need =
    purpose === "torch"
      ? ["config.json", TORCH_WEIGHT_FILES.join(" or "), "tokenizer.json"]
      : ["model.onnx or onnx/model.onnx (and its external data)", "tokenizer.json"];
  const snap = await openSnapshot({ repoType: "model", repoId, revision, endpoint: opts.endpoint, cacheDir: opts.cacheDir }, need);
  return {
    snap,
    where: `${repoId}@${snap.commit}`,
    names: [...snap.files.keys()],
    has: (f) => snap.files.has(f),
    fetch: (names) => fetchFiles(snap, names),
  };
}

/** Fetches the torch purpose's files (src/hub/model-files.ts); offline, all missing ones are named at once. */
async function fetchTorchFiles(m: HubModel): Promise<void> {
  const picked = torchPurposeFiles(m.names);
  if (picked.missing.length > 0 && m.snap.offline) await m.fetch([...picked.files, ...picked.missing]);
  if (picked.missing.length > 0)
    throw inputError(
      `model: ${m.where} has no ${picked.missing.join(", ")} (for --backend torch / training); its files: ${m.names.join(", ")}`,
    );
  await m.fetch(picked.files);
}

/** The hub graph: bench_model.json's onnx_file (unless --onnx-file is given), else chooseOnnxGraph over the listing. */
async function hubGraph(m: HubModel, onnxFile: string | undefined): Promise<string | null> {
  const declared =
    onnxFile === undefined && m.has("bench_model.json") ? benchModelGraph((await m.fetch(["bench_model.json"]))[0]) : undefined;
  if (declared === undefined) return chooseOnnxGraph(m.names, onnxFile, m.where);
  const graph = declaredGraph(declared, `${m.where}/bench_model.json`);
  if (!m.has(graph)) throw inputError(`model: ${m.where}/bench_model.json names onnx_file ${graph}, which the repo does not have`);
  return graph;
}

/** Fetches the onnx purpose's files plus every external-data file the chosen graph names; returns the graph. */
async function fetchOnnxFiles(m: HubModel, onnxFile: string | undefined): Promise<string> {
  const graph = await hubGraph(m, onnxFile);
  if (graph === null && m.snap.offline)
    await m.fetch(["model.onnx (or onnx/model.onnx)", ...(m.has("tokenizer.json") ? [] : ["tokenizer.json"])]);
  if (graph === null)
    throw inputError(
      `model: ${m.where} has no ONNX graph (files: ${m.names.join(", ")}); use --backend torch, or a repo with an ONNX export`,
    );
  const picked = onnxPurposeFiles(m.names, graph);
  if (picked.missing.length > 0 && m.snap.offline) await m.fetch([...picked.files, ...picked.missing]);
  if (picked.missing.length > 0) throw inputError(`model: ${m.where} has no ${picked.missing.join(", ")} next to ${graph}`);
  const { externalDataFiles } = await import("../onnx/external-data-files.js");
  const dataOf = async (graphPath: string): Promise<string[]> =>
    (await externalDataFiles(graphPath, `${m.where}/${graph}`)).map((loc) => inFolder(folderOf(graph), loc));
  if (m.snap.offline) {
    // Offline: name every missing file at once, the graph's external data included when the graph is there.
    const graphPath = join(m.snap.dir, ...graph.split("/"));
    const data = existsSync(graphPath) ? await dataOf(graphPath) : [];
    await m.fetch([...picked.files, ...data]);
  } else {
    const [graphPath] = await m.fetch([graph]);
    const data = await dataOf(graphPath);
    const unlisted = data.filter((d) => !m.has(d));
    if (unlisted.length > 0)
      throw inputError(`model: ${m.where}/${graph} names external data the repo does not have: ${unlisted.join(", ")}`);
    await m.fetch([...picked.files, ...data]);
  }
  return graph;
}

/**
 * Resolves a local directory, or a hub id ORG/NAME[@revision] by listing the repo at the revision and fetching
 * only the files the purpose needs (src/hub/model-files.ts) into one snapshot, plus every external-data file the
 * chosen graph names. Offline (HF_HUB_OFFLINE=1) the cached snapshot is used; all missing files in one message.
 */
export async function resolveModelDir(spec: string, opts: ResolveModelDirOptions = {}): Promise<ResolvedModelDir> {
  const purpose = opts.purpose ?? "onnx";
  if (existsSync(spec)) return resolveLocalDir(spec, purpose, opts.onnxFile);
  const hub = parseHubId(spec);
  if (!hub) throw inputError(`model: ${spec} is neither a directory nor ORG/NAME[@revision]`);
  const m = await openHubModel(hub.repoId, hub.revision, purpose, opts);
  const revision = isCommitSha(m.snap.commit) ? m.snap.commit : hub.revision;
  if (purpose === "torch") {
    await fetchTorchFiles(m);
    return { dir: m.snap.dir, name: hub.repoId, revision, onnxFile: null, tokenizerDir: m.snap.dir };
  }
  const graph = await fetchOnnxFiles(m, opts.onnxFile);
  return { dir: m.snap.dir, name: hub.repoId, revision, onnxFile: graph, tokenizerDir: tokenizerDirOf(m.snap.dir, m.has, graph) };
}
