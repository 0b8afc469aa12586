/**
 * Graph inputs by role (bench_model.json `inputs`), checked against the session's real input names so a
 * model that wants token_type_ids, or names its inputs differently, fails with a message instead of a crash.
 */
import { inputError } from "../errors.js";
import type { PaddedBatch } from "../tokenize/batch.js";
import type { EncoderSession, Int64Tensor } from "./session.js";

/** Input names per role; `tokenTypeIds` null = the graph has no such input. */
export interface InputNames {
  inputIds: string;
  attentionMask: string;
  tokenTypeIds: string | null;
}

/** Throws unless the graph's inputs are exactly the configured ones. */
export function checkInputs(session: EncoderSession, names: InputNames, where: string): void {
  const want = [names.inputIds, names.attentionMask, ...(names.tokenTypeIds ? [names.tokenTypeIds] : [])];
  const have = [...session.inputNames];
  const missing = want.filter((n) => !have.includes(n));
  const extra = have.filter((n) => !want.includes(n));
  if (missing.length || extra.length) {
    throw inputError(
      `encode: ${where}: the graph's inputs are [${have.join(", ")}] but the model config names [${want.join(", ")}]` +
        `${extra.length ? ` (set inputs.token_type_ids or fix the names in bench_model.json for: ${extra.join(", ")})` : ""}`,
    );
  }
}

/** Checks that `output` is one of the graph's outputs. */
export function checkOutput(session: EncoderSession, output: string, where: string): void {
  if (!session.outputNames.includes(output)) {
    throw inputError(`encode: ${where}: output "${output}" is not in the graph (outputs: ${session.outputNames.join(", ")})`);
  }
}

/** The feeds for one padded batch. */
export function makeFeeds(names: InputNames, b: PaddedBatch): Record<string, Int64Tensor> {
  const dims = [b.batch, b.length];
  const feeds: Record<string, Int64Tensor> = {
    [names.inputIds]: { data: b.ids, dims },
    [names.attentionMask]: { data: b.mask, dims },
  };
  if (names.tokenTypeIds) feeds[names.tokenTypeIds] = { data: b.typeIds, dims };
  return feeds;
}
