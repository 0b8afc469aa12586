/**
 * Text → terms for lexical models (bm25). Not a subword tokenizer: no vocabulary, no model files.
 * 1. NFKC, so full-width letters/digits/punctuation (ＡＩ，１２３) become their ASCII forms, then lower-case.
 * 2. Split into runs: Han characters (Unicode Script=Han), other letters/digits/marks ("latin" runs, which also
 *    holds kana, Hangul and so on), and separators (everything else: spaces, punctuation, symbols).
 * 3. A latin run is one term ("python", "2024", "9", "6gbps" from "9.6Gbps"); a Han run becomes terms as
 *    `ChineseTerms` says. Terms never cross a run boundary, so "2024年" gives "2024" and "年".
 * The choice of ChineseTerms (measured in docs/bm25.md) is made by the caller; "bigram" is the default.
 */
import { BenchError, ExitCode } from "../errors.js";

/** How a run of Han characters becomes terms. */
export type ChineseTerms = "unigram" | "bigram" | "unigram+bigram" | "icu-word";

/** Every ChineseTerms value, in the order docs/bm25.md lists them. */
export const CHINESE_TERMS: readonly ChineseTerms[] = ["unigram", "bigram", "unigram+bigram", "icu-word"];

// Han runs first; a latin run is letters/digits/marks that are not Han (Han characters are \p{L} too).
const RUN = /(\p{Script=Han}+)|((?:(?!\p{Script=Han})[\p{L}\p{N}\p{M}])+)/gu;

// One segmenter per process: construction loads ICU data and is by far the slowest step.
let segmenter: Intl.Segmenter | undefined;

function icuWords(run: string, out: string[]): void {
  segmenter ??= new Intl.Segmenter("zh", { granularity: "word" });
  for (const s of segmenter.segment(run)) if (s.isWordLike) out.push(s.segment);
}

function hanTerms(run: string, mode: ChineseTerms, out: string[]): void {
  if (mode === "icu-word") return icuWords(run, out);
  const chars = Array.from(run); // by code point: CJK Extension B+ characters are surrogate pairs
  if (mode === "unigram" || mode === "unigram+bigram") out.push(...chars);
  if (mode === "bigram" || mode === "unigram+bigram") {
    // A lone character has no bigram; keep it as a unigram so that "年" or "吗" is not dropped (Lucene's
    // CJKBigramFilter does the same for isolated ideographs).
    if (chars.length === 1 && mode === "bigram") out.push(chars[0]);
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  }
}

/** The lexical terms of `text`, in text order (duplicates kept: term frequency matters to bm25). */
export function lexicalTerms(text: string, chinese: ChineseTerms = "bigram"): string[] {
  if (!CHINESE_TERMS.includes(chinese)) {
    throw new BenchError(`eval: unknown Chinese term mode '${String(chinese)}' (expected ${CHINESE_TERMS.join(", ")})`, ExitCode.Usage);
  }
  const out: string[] = [];
  const normalized = text.normalize("NFKC").toLowerCase();
  for (const m of normalized.matchAll(RUN)) {
    if (m[1] !== undefined) hanTerms(m[1], chinese, out);
    else out.push(m[2]);
  }
  return out;
}
