/**
 * The special-token template of a tokenizer.json post-processor, made explicit so truncation can work on the
 * content tokens and put the specials back afterwards, as HF tokenizers' `post_process` does: truncate first,
 * then add specials (tokenizers `TokenizerImpl::post_process`).
 */
import { inputError } from "../errors.js";

/** One slot of a template: a fixed special token, or the (truncated) content of sequence A or B. */
export type TemplatePiece = { kind: "special"; ids: number[]; typeId: number } | { kind: "seq"; seq: "A" | "B"; typeId: number };

/** The single-sequence and pair templates of a tokenizer. */
export interface SpecialTemplate {
  single: TemplatePiece[];
  pair: TemplatePiece[];
}

type Json = Record<string, unknown>;

function specialIdsFromPair(pp: Json, key: string, file: string): number[] {
  const v = pp[key];
  if (!Array.isArray(v) || v.length !== 2 || typeof v[1] !== "number") {
    throw inputError(`tokenize: ${file}: post_processor.${key} must be [token, id], got ${JSON.stringify(v)}`);
  }
  return [v[1]];
}

function parseTemplateList(list: unknown, specials: Json, where: string): TemplatePiece[] {
  if (!Array.isArray(list)) throw inputError(`tokenize: ${where} must be a list`);
  return list.map((item: Json, i) => {
    if (item && typeof item === "object" && "SpecialToken" in item) {
      const st = item.SpecialToken as { id: string; type_id?: number };
      const def = specials[st.id] as { ids?: number[] } | undefined;
      if (!def || !Array.isArray(def.ids))
        throw inputError(`tokenize: ${where}[${i}]: special token ${JSON.stringify(st.id)} is not in special_tokens`);
      return { kind: "special", ids: def.ids, typeId: st.type_id ?? 0 };
    }
    if (item && typeof item === "object" && "Sequence" in item) {
      const sq = item.Sequence as { id: string; type_id?: number };
      if (sq.id !== "A" && sq.id !== "B")
        throw inputError(`tokenize: ${where}[${i}]: sequence id must be A or B, got ${JSON.stringify(sq.id)}`);
      return { kind: "seq", seq: sq.id, typeId: sq.type_id ?? 0 };
    }
    throw inputError(`tokenize: ${where}[${i}]: expected SpecialToken or Sequence, got ${JSON.stringify(item)}`);
  });
}

/**
 * Reads `post_processor` of a parsed tokenizer.json. Supports TemplateProcessing, BertProcessing,
 * RobertaProcessing (the layouts of BERT and XLM-R/bge-m3) and null (no specials).
 */
export function parseSpecialTemplate(tokenizerJson: Json, file: string): SpecialTemplate {
  const pp = tokenizerJson.post_processor as Json | null | undefined;
  if (pp == null)
    return {
      single: [{ kind: "seq", seq: "A", typeId: 0 }],
      pair: [
        { kind: "seq", seq: "A", typeId: 0 },
        { kind: "seq", seq: "B", typeId: 1 },
      ],
    };
  const sp = (ids: number[], typeId: number): TemplatePiece => ({ kind: "special", ids, typeId });
  const A = (typeId: number): TemplatePiece => ({ kind: "seq", seq: "A", typeId });
  const B = (typeId: number): TemplatePiece => ({ kind: "seq", seq: "B", typeId });
  switch (pp.type) {
    case "TemplateProcessing": {
      const specials = (pp.special_tokens ?? {}) as Json;
      return {
        single: parseTemplateList(pp.single, specials, `${file}: post_processor.single`),
        pair: parseTemplateList(pp.pair, specials, `${file}: post_processor.pair`),
      };
    }
    case "BertProcessing": {
      const cls = specialIdsFromPair(pp, "cls", file);
      const sep = specialIdsFromPair(pp, "sep", file);
      return { single: [sp(cls, 0), A(0), sp(sep, 0)], pair: [sp(cls, 0), A(0), sp(sep, 0), B(1), sp(sep, 1)] };
    }
    case "RobertaProcessing": {
      // RoBERTa/XLM-R: `<s> A </s></s> B </s>`, all type ids 0 (tokenizers processors/roberta.rs).
      const cls = specialIdsFromPair(pp, "cls", file);
      const sep = specialIdsFromPair(pp, "sep", file);
      return { single: [sp(cls, 0), A(0), sp(sep, 0)], pair: [sp(cls, 0), A(0), sp(sep, 0), sp(sep, 0), B(0), sp(sep, 0)] };
    }
    default:
      throw inputError(
        `tokenize: ${file}: post_processor type ${JSON.stringify(pp.type)} is not supported (expected TemplateProcessing, BertProcessing, RobertaProcessing or null)`,
      );
  }
}

/** Number of special ids a template adds. */
export function specialCount(pieces: TemplatePiece[]): number {
  return pieces.reduce((n, p) => n + (p.kind === "special" ? p.ids.length : 0), 0);
}

/** Fills a template with content ids: returns ids and token type ids. */
export function applyTemplate(pieces: TemplatePiece[], a: number[], b: number[] = []): { ids: number[]; typeIds: number[] } {
  const ids: number[] = [];
  const typeIds: number[] = [];
  for (const p of pieces) {
    const part = p.kind === "special" ? p.ids : p.seq === "A" ? a : b;
    for (const id of part) {
      ids.push(id);
      typeIds.push(p.typeId);
    }
  }
  return { ids, typeIds };
}
