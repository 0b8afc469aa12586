/**
 * The three outputs of `bench split`, built in memory from a loaded dataset and its split (docs/spec.md §1): the train
 * part filtered to rows with ≥1 positive and ≥1 negative (as the reference recipe's `.filter`), the test part
 * unfiltered (the evaluator filters it), both in permuted order, plus split.json with the indices and hashes.
 */
import type { LoadedDataset, RerankRow } from "../data/types.js";
import { hasPositiveAndNegative } from "../data/validate-row.js";
import { indicesSha256 } from "./indices-hash.js";
import type { SplitSize } from "./split-size.js";
import type { SplitIndices } from "./train-test-split.js";

/** One JSONL line with keys in the order query, positive, negative; non-ASCII kept as is. */
export function rowToJsonLine(row: RerankRow): string {
  return `${JSON.stringify({ query: row.query, positive: row.positive, negative: row.negative })}\n`;
}

/** File contents and counts of one split. */
export interface SplitFiles {
  trainJsonl: string;
  testJsonl: string;
  splitJson: string;
  nTrainFiltered: number;
  testIndicesSha256: string;
  trainIndicesSha256: string;
}

/** split.json's `seed`: a JSON number when exact in a double, else the decimal string. */
function seedJson(seed: bigint): number | string {
  return seed <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(seed) : seed.toString();
}

/** Builds train.jsonl, test.jsonl and split.json for `split` of `ds`. */
export function buildSplitFiles(ds: LoadedDataset, split: SplitIndices, testSize: SplitSize, seed: bigint): SplitFiles {
  const rows = ds.rows;
  const trainRows = split.trainIndices.map((i) => rows[i]!).filter(hasPositiveAndNegative);
  const testRows = split.testIndices.map((i) => rows[i]!);
  const src = ds.source;
  const source =
    src.task !== undefined
      ? { task: src.task, revision: src.revision ?? null, format: src.format, sha256: src.sha256 }
      : { path: src.path, format: src.format, sha256: src.sha256 };
  const testIndicesSha256 = indicesSha256(split.testIndices);
  const trainIndicesSha256 = indicesSha256(split.trainIndices);
  const meta = {
    source,
    n: rows.length,
    n_test: split.nTest,
    n_train: split.nTrain,
    n_train_filtered: trainRows.length,
    seed: seedJson(seed),
    test_size: testSize.value,
    test_indices: split.testIndices,
    train_indices: split.trainIndices,
    test_indices_sha256: testIndicesSha256,
    train_indices_sha256: trainIndicesSha256,
  };
  return {
    trainJsonl: trainRows.map(rowToJsonLine).join(""),
    testJsonl: testRows.map(rowToJsonLine).join(""),
    splitJson: `${JSON.stringify(meta, null, 2)}\n`,
    nTrainFiltered: trainRows.length,
    testIndicesSha256,
    trainIndicesSha256,
  };
}
