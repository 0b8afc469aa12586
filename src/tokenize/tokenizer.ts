/**
 * Loads a model directory's tokenizer.json with @huggingface/tokenizers and adds what that package lacks:
 * truncation (HF semantics: content truncated, specials kept — so the final [SEP]/</s> survives) and the
 * special-token template. Padding and batching live in ./batch.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { inputError } from "../errors.js";
import { bertTokenizerJsonFromVocab } from "./bert-vocab.js";
import { applyTemplate, parseSpecialTemplate, specialCount, type SpecialTemplate } from "./template.js";
import { longestFirstLengths, truncateSingle } from "./truncate.js";

/** A pair encoded for a cross-encoder: ids and token type ids of equal length. */
export interface EncodedPair {
  ids: number[];
  typeIds: number[];
}

/** A loaded tokenizer with truncation; every `encode*` adds the special tokens. */
export interface TextTokenizer {
  /** Ids with special tokens, truncated to at most `maxLength` (the final special token is kept). */
  encode(text: string, maxLength: number): number[];
  /** Pair ids + token type ids, LongestFirst-truncated to at most `maxLength` in total. */
  encodePair(a: string, b: string, maxLength: number): EncodedPair;
  /** Content ids without special tokens and without truncation. */
  contentIds(text: string): number[];
  readonly padId: number;
  /** First special id of the single-sequence template ([CLS] / <s>); null when the template has none. */
  readonly clsId: number | null;
  /** Largest id + 1 over the vocabulary and added tokens (the embedding rows a model needs). */
  readonly vocabSize: number;
  /** Number of special ids added to a single sequence (2 for BERT and XLM-R). */
  readonly singleSpecials: number;
  /** Path of the tokenizer.json (or the vocab.txt it was built from), for messages. */
  readonly source: string;
}

type Json = Record<string, unknown>;

function readJson(path: string, stage: string): Json {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw inputError(`${stage}: cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    throw inputError(`${stage}: ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

function tokenString(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (v && typeof v === "object" && typeof (v as Json).content === "string") return (v as Json).content as string;
  return undefined;
}

function findPadId(tok: Tokenizer, tj: Json, cfg: Json, file: string): number {
  const candidates = [tokenString(cfg.pad_token), (tj.padding as Json | null)?.pad_token as string | undefined, "[PAD]", "<pad>"];
  for (const c of candidates) {
    if (c === undefined) continue;
    const id = tok.token_to_id(c);
    if (id !== undefined) return id;
  }
  throw inputError(`tokenize: ${file}: no pad token found (tokenizer_config.json pad_token, [PAD] or <pad>)`);
}

function computeVocabSize(tj: Json): number {
  let max = -1;
  const model = tj.model as Json;
  const vocab = model?.vocab;
  if (Array.isArray(vocab))
    max = vocab.length - 1; // Unigram: [[piece, score], …], id = index
  else if (vocab && typeof vocab === "object") for (const id of Object.values(vocab as Record<string, number>)) max = Math.max(max, id);
  for (const t of (tj.added_tokens ?? []) as { id: number }[]) max = Math.max(max, t.id);
  return max + 1;
}

/** Builds a TextTokenizer from parsed tokenizer.json / tokenizer_config.json objects. */
export function makeTokenizer(tokenizerJson: Json, config: Json, file: string): TextTokenizer {
  let tok: Tokenizer;
  try {
    tok = new Tokenizer(tokenizerJson, config);
  } catch (err) {
    throw inputError(`tokenize: ${file}: @huggingface/tokenizers cannot load it: ${(err as Error).message}`);
  }
  const template: SpecialTemplate = parseSpecialTemplate(tokenizerJson, file);
  const singleSpecials = specialCount(template.single);
  const pairSpecials = specialCount(template.pair);
  const first = template.single.find((p) => p.kind === "special");
  const contentIds = (text: string): number[] => tok.encode(text, { add_special_tokens: false }).ids;
  const checkMax = (maxLength: number, specials: number): void => {
    if (!Number.isInteger(maxLength) || maxLength < specials) {
      throw inputError(`tokenize: max length must be an integer ≥ ${specials} (the special tokens ${file} adds), got ${maxLength}`);
    }
  };
  return {
    encode(text, maxLength) {
      checkMax(maxLength, singleSpecials);
      return applyTemplate(template.single, truncateSingle(contentIds(text), maxLength - singleSpecials)).ids;
    },
    encodePair(a, b, maxLength) {
      checkMax(maxLength, pairSpecials);
      const ca = contentIds(a);
      const cb = contentIds(b);
      const [n1, n2] = longestFirstLengths(ca.length, cb.length, maxLength - pairSpecials);
      return applyTemplate(template.pair, ca.slice(0, n1), cb.slice(0, n2));
    },
    contentIds,
    padId: findPadId(tok, tokenizerJson, config, file),
    clsId: first && first.kind === "special" ? first.ids[0] : null,
    vocabSize: computeVocabSize(tokenizerJson),
    singleSpecials,
    source: file,
  };
}

/**
 * Loads `dir/tokenizer.json` (+ `tokenizer_config.json` when present); a directory with only `vocab.txt` gets the
 * tokenizer BertTokenizerFast would build from it (./bert-vocab.ts).
 */
export function loadTokenizer(dir: string): TextTokenizer {
  const file = join(dir, "tokenizer.json");
  const cfgPath = join(dir, "tokenizer_config.json");
  const cfg = existsSync(cfgPath) ? readJson(cfgPath, "tokenize") : {};
  if (!existsSync(file)) {
    const vocab = join(dir, "vocab.txt");
    if (existsSync(vocab)) return makeTokenizer(bertTokenizerJsonFromVocab(dir), cfg, vocab);
    throw inputError(`tokenize: ${file} not found (a model directory needs a Hugging Face tokenizer.json, or a BERT vocab.txt)`);
  }
  return makeTokenizer(readJson(file, "tokenize"), cfg, file);
}
