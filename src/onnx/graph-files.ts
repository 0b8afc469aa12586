/**
 * The files an ONNX model directory's outputs depend on, each checked to stay inside the model root
 * (./model-paths.ts) before onnxruntime opens anything: the graph, every external-data file the graph names
 * (read from the graph, ./external-data.ts — never guessed from file names), the tokenizer files and
 * a ColBERT head. Their "name sha256" lines make the content hash (same formula as src/cache/content-hash.ts).
 */
import { dirname, join, posix, relative } from "node:path";
import { fileHashLines, tokenizerFiles } from "../cache/content-hash.js";
import { inputError } from "../errors.js";
import { sha256Hex } from "../util/sha256.js";
import { modelPath, relativePathProblem } from "../util/model-paths.js";
import { onnxExternalDataLocations } from "./external-data.js";

/** Checks `onnxFile` (named by `field` of `source`) and its external data; returns the data files relative to `root`. */
export async function checkGraphFiles(root: string, onnxFile: string, source: string, field: string): Promise<string[]> {
  const graph = modelPath(root, onnxFile, source, field);
  const files: string[] = [];
  for (const loc of await onnxExternalDataLocations(graph)) {
    // ORT opens locations relative to the graph's folder; a location may not climb out of it.
    const bad = relativePathProblem(loc);
    if (bad)
      throw inputError(
        `model: ${graph}: external_data location ${JSON.stringify(loc)} ${bad}; external data must be a file beside the graph inside the model directory ${root}`,
      );
    const rel = posix.join(dirname(onnxFile).split("\\").join("/"), loc);
    modelPath(root, rel, graph, "external_data location");
    files.push(rel);
  }
  return files.sort();
}

/** Content hash over the graph, its external data, the tokenizer files (from `tokenizerDir`) and `extra` files (e.g. colbert_linear.pt). */
export async function onnxModelContentHash(
  root: string,
  onnxFile: string,
  dataFiles: readonly string[],
  tokenizerDir: string,
  extra: readonly string[],
  memoFile: string | null,
): Promise<string> {
  const tok = tokenizerFiles(tokenizerDir).map((f) => relative(root, join(tokenizerDir, f)).split("\\").join("/"));
  return sha256Hex(await fileHashLines(root, [onnxFile, ...dataFiles, ...tok, ...extra], memoFile));
}
