/**
 * `--model scores:FILE`: scores computed elsewhere. FILE is JSONL with one line per row of the evaluated data,
 * in file order, `{"scores": [...]}` covering that row's positives then negatives (docs/spec.md §2.2 order). This lets
 * the metric be tested on its own and lets users score any external model with bench's exact metrics.
 */
import { basename } from "node:path";
import { readInputFile } from "../data/read-input.js";
import type { RerankRow } from "../data/types.js";
import { inputError } from "../errors.js";
import type { ModelInfo, Reranker, ScoreRequest } from "./types.js";

/**
 * Reads and validates a scores file against the rows it scores; throws naming the file and line. Only a regular
 * file of at most MAX_INPUT_BYTES is read; a UTF-8 BOM is skipped (as in data files).
 */
export async function loadPrecomputedScores(path: string, rows: RerankRow[]): Promise<Reranker> {
  // TextDecoder drops a leading BOM (ignoreBOM false); invalid UTF-8 becomes U+FFFD and then fails as JSON.
  const text = new TextDecoder("utf-8").decode(await readInputFile(path, "eval: scores file"));
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (lines.length !== rows.length) {
    throw inputError(
      `eval: scores file ${path} has ${lines.length} lines; the data has ${rows.length} rows (one line per row, in file order)`,
    );
  }
  const perRow = lines.map((line, i) => parseScoresLine(path, i + 1, line, rows[i]!.positive.length + rows[i]!.negative.length));
  const info: ModelInfo = {
    name: `scores-${basename(path).replace(/\.jsonl?$/i, "")}`,
    revision: null,
    modelType: "precomputed",
    similarityFn: null,
    framework: ["bench"],
    nParameters: null,
    embedDim: null,
    maxTokens: null,
    extra: { scores_file: path },
  };
  return {
    info,
    async score(requests: ScoreRequest[]): Promise<number[][]> {
      return requests.map((r) => {
        const s = perRow[r.row];
        if (s === undefined || s.length !== r.docs.length) {
          throw inputError(`eval: scores file ${path} has no scores for row ${r.row} with ${r.docs.length} documents`);
        }
        return s;
      });
    },
    async close() {},
  };
}

function parseScoresLine(path: string, lineNo: number, line: string, expected: number): number[] {
  const where = `${path}:${lineNo}`;
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    // Python's json writes NaN/Infinity bare; JSON.parse rejects them, so name the real problem.
    if (/\b(NaN|-?Infinity)\b/.test(line)) throw inputError(`eval: ${where}: NaN or infinite score (scores must be finite numbers)`);
    throw inputError(`eval: ${where}: not valid JSON (expected {"scores": [numbers]})`);
  }
  const scores = (obj as { scores?: unknown } | null)?.scores;
  if (obj === null || typeof obj !== "object" || !Array.isArray(scores)) {
    throw inputError(`eval: ${where}: expected an object {"scores": [numbers]}`);
  }
  if (scores.length !== expected) {
    throw inputError(`eval: ${where}: expected ${expected} scores (positives then negatives), got ${scores.length}`);
  }
  scores.forEach((s, j) => {
    // JSON.parse turns a number beyond float64's range (1e400) into Infinity; stringify would print that as null.
    if (typeof s === "number" && !Number.isFinite(s)) {
      throw inputError(`eval: ${where}: score ${j} is not a finite number (beyond float64's range, e.g. 1e400); expected a finite number`);
    }
    if (typeof s !== "number") {
      throw inputError(`eval: ${where}: score ${j} is ${JSON.stringify(s)}; expected a finite number`);
    }
  });
  return scores as number[];
}
