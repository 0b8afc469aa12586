/**
 * JSON as Python's `json` module writes it: bare `NaN`, `Infinity` and `-Infinity` are allowed (docs/spec.md §2.5: "NaN
 * is written as a bare NaN"), which `JSON.parse` rejects. mteb result files and model_meta.json contain them.
 */

// A string no real result file contains: the tokens are swapped for it, then turned back into numbers.
const SENTINEL = "\u0000bench-nonfinite:";

const TOKENS: ReadonlyArray<[string, number]> = [
  ["-Infinity", Number.NEGATIVE_INFINITY],
  ["Infinity", Number.POSITIVE_INFINITY],
  ["NaN", Number.NaN],
];

/** Parses `text` like JSON.parse, also accepting Python's bare NaN / Infinity / -Infinity outside strings. */
export function parsePythonJson(text: string): unknown {
  if (!/NaN|Infinity/.test(text)) return JSON.parse(text);
  let out = "";
  let i = 0;
  let inString = false;
  while (i < text.length) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === "\\") {
        out += text[i + 1] ?? "";
        i += 2;
        continue;
      }
      if (c === '"') inString = false;
      i++;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      i++;
      continue;
    }
    const token = TOKENS.find(([t]) => text.startsWith(t, i));
    if (token) {
      out += JSON.stringify(SENTINEL + token[0]);
      i += token[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return JSON.parse(out, (_key, value: unknown) => {
    if (typeof value === "string" && value.startsWith(SENTINEL)) {
      const name = value.slice(SENTINEL.length);
      return TOKENS.find(([t]) => t === name)![1];
    }
    return value;
  });
}
