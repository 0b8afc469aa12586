/**
 * Dense sentence-transformers repos (docs/model-format.md): `modules.json` lists Transformer → Pooling
 * (`1_Pooling/config.json`: CLS or mean) → optional Normalize. Read here into the pooling and normalisation of
 * a dense model over the graph's last hidden state. Module types bench cannot reproduce (Dense, max pooling, …)
 * are errors, never skipped.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { inputError } from "../errors.js";
import { readModelJson, relativePathProblem } from "../util/model-paths.js";

/** What a sentence-transformers pipeline does after the encoder. */
export interface SentenceTransformersPipeline {
  pooling: "cls" | "mean";
  normalize: boolean;
  /** sentence_bert_config.json max_seq_length, or null. */
  maxSeqLength: number | null;
}

const TRANSFORMER = "sentence_transformers.models.Transformer";
const POOLING = "sentence_transformers.models.Pooling";
const NORMALIZE = "sentence_transformers.models.Normalize";
const MODES = [
  "pooling_mode_cls_token",
  "pooling_mode_mean_tokens",
  "pooling_mode_max_tokens",
  "pooling_mode_mean_sqrt_len_tokens",
  "pooling_mode_weightedmean_tokens",
  "pooling_mode_lasttoken",
];

/** The pipeline of `dir`'s modules.json, or null when the directory has none. */
export function readSentenceTransformers(dir: string): SentenceTransformersPipeline | null {
  const file = join(dir, "modules.json");
  if (!existsSync(file)) return null;
  const mods = readModelJson(file);
  if (!Array.isArray(mods)) throw inputError(`model: ${file}: expected a JSON array of modules`);
  let pooling: "cls" | "mean" | null = null;
  let normalize = false;
  mods.forEach((m: { type?: unknown; path?: unknown }, i) => {
    const where = `${file}: module ${i}`;
    if (m.type === TRANSFORMER) {
      if (i !== 0) throw inputError(`${where}: the Transformer module must come first`);
    } else if (m.type === POOLING) {
      if (typeof m.path !== "string" || relativePathProblem(m.path))
        throw inputError(`model: ${where}: "path" must be a folder inside the model directory, got ${JSON.stringify(m.path)}`);
      const cfgFile = join(dir, m.path, "config.json");
      if (!existsSync(cfgFile)) throw inputError(`model: ${where}: ${cfgFile} is missing`);
      const cfg = readModelJson(cfgFile) as Record<string, unknown>;
      const on = MODES.filter((k) => cfg[k] === true);
      if (on.length !== 1 || !["pooling_mode_cls_token", "pooling_mode_mean_tokens"].includes(on[0])) {
        throw inputError(
          `model: ${cfgFile}: bench supports exactly one of pooling_mode_cls_token, pooling_mode_mean_tokens; this sets ${on.join(", ") || "none"}`,
        );
      }
      pooling = on[0] === "pooling_mode_cls_token" ? "cls" : "mean";
    } else if (m.type === NORMALIZE) {
      if (pooling === null) throw inputError(`model: ${where}: Normalize before Pooling is not supported`);
      normalize = true;
    } else
      throw inputError(
        `model: ${where}: module type ${JSON.stringify(m.type)} is not supported (bench reproduces Transformer → Pooling (cls | mean) → Normalize)`,
      );
  });
  if (pooling === null) throw inputError(`model: ${file}: no ${POOLING} module`);
  const sb = join(dir, "sentence_bert_config.json");
  const len = existsSync(sb) ? (readModelJson(sb) as Record<string, unknown>).max_seq_length : undefined;
  return { pooling, normalize, maxSeqLength: Number.isInteger(len) && (len as number) > 0 ? (len as number) : null };
}
