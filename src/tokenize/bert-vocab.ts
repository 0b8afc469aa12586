/**
 * A model directory with `vocab.txt` but no `tokenizer.json` (older BERT repos): the tokenizer.json that
 * transformers' `BertTokenizerFast` builds from it (convert_slow_tokenizer.BertConverter), so such a directory
 * tokenizes exactly as Hugging Face does:
 * - WordPiece over vocab.txt (id = line number), unk `[UNK]`, prefix `##`, max_input_chars_per_word 100;
 * - BertNormalizer(clean_text, handle_chinese_chars = tokenize_chinese_chars (default true),
 *   strip_accents = strip_accents (null: follows lowercase), lowercase = do_lower_case (default true, as
 *   BertTokenizer's));
 * - BertPreTokenizer; TemplateProcessing `[CLS] A [SEP]` / `[CLS] A [SEP] B:1 [SEP]:1`;
 * - the special tokens (and added_tokens.json's) as added tokens.
 * Settings come from tokenizer_config.json, token names also from special_tokens_map.json.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { inputError } from "../errors.js";

type Json = Record<string, unknown>;

function readJsonIfAny(path: string): Json {
  if (!existsSync(path)) return {};
  try {
    const o = JSON.parse(readFileSync(path, "utf8")) as unknown;
    if (o === null || typeof o !== "object" || Array.isArray(o)) throw new Error("expected a JSON object");
    return o as Json;
  } catch (err) {
    throw inputError(`tokenize: ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

function tokenName(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (v && typeof v === "object" && typeof (v as Json).content === "string") return (v as Json).content as string;
  return undefined;
}

function flag(cfg: Json, key: string, dflt: boolean | null, file: string): boolean | null {
  const v = cfg[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== "boolean") throw inputError(`tokenize: ${file}: "${key}" must be true, false or null, got ${JSON.stringify(v)}`);
  return v;
}

/** vocab.txt as BertTokenizer's load_vocab reads it: one token per line (only "\n" stripped), id = line index. */
export function readVocabTxt(path: string): Record<string, number> {
  const lines = readFileSync(path, "utf8").split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const vocab: Record<string, number> = Object.create(null) as Record<string, number>;
  lines.forEach((t, i) => {
    vocab[t] = i; // a repeated token keeps its last line, as a Python dict assignment does
  });
  return vocab;
}

/** The tokenizer.json object BertTokenizerFast would build for `dir` (which has vocab.txt). */
export function bertTokenizerJsonFromVocab(dir: string): Json {
  const vocabFile = join(dir, "vocab.txt");
  if (!existsSync(vocabFile)) throw inputError(`tokenize: ${dir} has neither tokenizer.json nor vocab.txt`);
  const cfgFile = join(dir, "tokenizer_config.json");
  const cfg = readJsonIfAny(cfgFile);
  const map = readJsonIfAny(join(dir, "special_tokens_map.json"));
  const vocab = readVocabTxt(vocabFile);
  const name = (key: string, dflt: string): string => tokenName(cfg[key]) ?? tokenName(map[key]) ?? dflt;
  const lowercase = flag(cfg, "do_lower_case", true, cfgFile);
  const specials = {
    unk: name("unk_token", "[UNK]"),
    sep: name("sep_token", "[SEP]"),
    pad: name("pad_token", "[PAD]"),
    cls: name("cls_token", "[CLS]"),
    mask: name("mask_token", "[MASK]"),
  };
  for (const k of ["unk", "sep", "cls"] as const) {
    if (vocab[specials[k]] === undefined)
      throw inputError(`tokenize: ${vocabFile}: the ${k} token ${specials[k]} is not in the vocabulary`);
  }
  const added: Json[] = [];
  const seen = new Set<string>();
  // BertTokenizer's special-token order (unk, sep, pad, cls, mask); tokens missing from vocab.txt are left out.
  for (const t of [specials.unk, specials.sep, specials.pad, specials.cls, specials.mask]) {
    if (vocab[t] === undefined || seen.has(t)) continue;
    seen.add(t);
    added.push({ id: vocab[t], content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  }
  const extra = readJsonIfAny(join(dir, "added_tokens.json"));
  for (const [t, id] of Object.entries(extra)) {
    if (seen.has(t)) continue;
    if (!Number.isInteger(id))
      throw inputError(`tokenize: ${join(dir, "added_tokens.json")}: "${t}" must map to an integer id, got ${JSON.stringify(id)}`);
    seen.add(t);
    added.push({ id, content: t, single_word: false, lstrip: false, rstrip: false, normalized: true, special: false });
  }
  const seq = (id: string, type_id: number) => ({ Sequence: { id, type_id } });
  const special = (id: string, type_id: number) => ({ SpecialToken: { id, type_id } });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: {
      type: "BertNormalizer",
      clean_text: true,
      handle_chinese_chars: flag(cfg, "tokenize_chinese_chars", true, cfgFile),
      strip_accents: flag(cfg, "strip_accents", null, cfgFile),
      lowercase,
    },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [special(specials.cls, 0), seq("A", 0), special(specials.sep, 0)],
      pair: [special(specials.cls, 0), seq("A", 0), special(specials.sep, 0), seq("B", 1), special(specials.sep, 1)],
      special_tokens: {
        [specials.cls]: { id: specials.cls, ids: [vocab[specials.cls]], tokens: [specials.cls] },
        [specials.sep]: { id: specials.sep, ids: [vocab[specials.sep]], tokens: [specials.sep] },
      },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: { type: "WordPiece", unk_token: specials.unk, continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab },
  };
}
