/**
 * Reading an input file whole (a dataset, a scores file), safely: only regular files (a FIFO, a character device
 * such as /dev/zero, a socket or a directory never ends or never is data), and never more than MAX_INPUT_BYTES,
 * checked before the read and again while reading (a file that grows, or a /proc-style file that reports size 0).
 */
import { type Stats, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { BenchError, inputError } from "../errors.js";

/**
 * The largest input file bench reads (2 GiB). Every loader holds the whole file in memory before parsing
 * (parquet and Arrow need random access; JSONL is split in place), and Node 20's file reads stop at 2 GiB anyway.
 * T2Reranking's full dev parquet is 248 MB.
 */
export const MAX_INPUT_BYTES = 2 * 1024 ** 3;

/** "a FIFO (named pipe)", "a character device", … for a non-regular file. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

function tooLarge(label: string, path: string, cap: number): Error {
  return inputError(
    `${label}: ${path} is larger than ${cap} bytes, the most bench reads into memory (MAX_INPUT_BYTES in src/data/read-input.ts)`,
  );
}

/**
 * The bytes of the regular file `path`; errors are input errors prefixed with `label` ("data", "eval: scores file").
 * `cap` is for tests.
 */
export async function readInputFile(path: string, label: string, cap = MAX_INPUT_BYTES): Promise<Buffer> {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw inputError(`${label}: cannot read ${path}: ${code === "ENOENT" ? "no such file" : (err as Error).message}`);
  }
  if (!st.isFile()) throw inputError(`${label}: ${path} is ${kindOf(st)}, not a regular file; give a data file`);
  if (st.size > cap) throw tooLarge(label, path, cap);
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, "r");
  } catch (err) {
    throw inputError(`${label}: cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    // Exactly st.size bytes first (a Buffer that owns its memory, so parquet need not copy it), then check for more.
    const buf = Buffer.allocUnsafe(st.size);
    let n = 0;
    while (n < buf.length) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) return buf.subarray(0, n); // shrank while reading
      n += bytesRead;
    }
    const chunks: Buffer[] = [buf];
    let total = n;
    for (;;) {
      const chunk = Buffer.allocUnsafe(1 << 20);
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, total);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > cap) throw tooLarge(label, path, cap);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return chunks.length === 1 ? buf : Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof BenchError) throw err;
    throw inputError(`${label}: cannot read ${path}: ${(err as Error).message}`);
  } finally {
    await fh.close();
  }
}
