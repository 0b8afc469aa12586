/**
 * The content hash of a model: sha256 over the files that determine its outputs (the ONNX graph, its external
 * data, the tokenizer files), each named and hashed. File hashes are memoised by (path, size, inode, mtime and
 * ctime in nanoseconds) in the cache directory so a multi-GB model is not re-read on every run. ctime is part of
 * the key because mtime can be set back by anyone (`touch -d`, `utimes`, rsync -t) after an in-place rewrite;
 * ctime cannot be set by user code and moves on every write or utimes.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../util/atomic-write.js";
import { sha256File, sha256Hex } from "../util/sha256.js";

const TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"];

/** The tokenizer files present in `dir` (each one changes how texts become ids, so each is hashed). */
export function tokenizerFiles(dir: string): string[] {
  const files = TOKENIZER_FILES.filter((f) => existsSync(join(dir, f)));
  // Without tokenizer.json the tokenizer is built from vocab.txt (+ added_tokens.json): src/tokenize/bert-vocab.ts.
  if (!files.includes("tokenizer.json")) files.push(...["vocab.txt", "added_tokens.json"].filter((f) => existsSync(join(dir, f))));
  return files;
}

/**
 * Files of `dir` that feed the model's outputs: `onnxFile`, its external data, tokenizer files. `external`: the
 * external-data files the graph names (relative to dir, read from the graph by onnx/external-data-files.ts); without
 * it they are guessed from the names beside a root graph.
 */
function modelFiles(dir: string, onnxFile: string, external?: readonly string[]): string[] {
  if (external !== undefined) return [onnxFile, ...[...external].sort(), ...tokenizerFiles(dir)];
  const stem = onnxFile.replace(/\.onnx$/, "");
  const data = readdirSync(dir).filter(
    (f) =>
      f !== onnxFile &&
      (f.startsWith(`${onnxFile}_data`) ||
        f.startsWith(`${onnxFile}.data`) ||
        f === `${stem}.data` ||
        f.endsWith(".onnx_data") ||
        f.endsWith(".onnx.data")),
  );
  return [onnxFile, ...data.sort(), ...tokenizerFiles(dir)];
}

/** One memo entry; nanosecond times and the inode as decimal strings (exact, unlike a double). */
interface MemoEntry {
  size: number;
  ino: string;
  mtimeNs: string;
  ctimeNs: string;
  sha256: string;
}

type Memo = Record<string, MemoEntry>;

/** sha256 of one file, memoised in `memoFile` (null = no memo). */
export async function fileSha256(path: string, memoFile: string | null): Promise<string> {
  const abs = resolve(path);
  const st = statSync(abs, { bigint: true });
  const now = { size: Number(st.size), ino: String(st.ino), mtimeNs: String(st.mtimeNs), ctimeNs: String(st.ctimeNs) };
  let memo: Memo = {};
  if (memoFile && existsSync(memoFile)) {
    try {
      memo = JSON.parse(readFileSync(memoFile, "utf8")) as Memo;
    } catch {
      memo = {}; // a damaged memo only costs a re-hash
    }
  }
  const m = memo[abs];
  if (m && m.size === now.size && m.ino === now.ino && m.mtimeNs === now.mtimeNs && m.ctimeNs === now.ctimeNs) return m.sha256;
  const sha256 = await sha256File(abs);
  if (memoFile) {
    memo[abs] = { ...now, sha256 };
    writeFileAtomic(memoFile, JSON.stringify(memo));
  }
  return sha256;
}

/** "name sha256\n" for each of `files` (names relative to `dir`), in order: the text a content hash is taken over. */
export async function fileHashLines(dir: string, files: readonly string[], memoFile: string | null): Promise<string> {
  const lines: string[] = [];
  for (const f of files) lines.push(`${f} ${await fileSha256(join(dir, f), memoFile)}\n`);
  return lines.join("");
}

/** Hex sha256 of "name sha256\n" lines over `modelFiles(dir, onnxFile)`. */
export async function modelContentHash(
  dir: string,
  onnxFile: string,
  memoFile: string | null,
  external?: readonly string[],
): Promise<string> {
  return sha256Hex(await fileHashLines(dir, modelFiles(dir, onnxFile, external), memoFile));
}
