/**
 * The worker's replies over a named pipe (FIFO) instead of its stdout: Node's stream on a child's stdout delivers
 * 64 KB chunks (0.7–1.0 GB/s measured on the project's box), while 1 MiB fs.read calls on a FIFO move 3 GB/s, and
 * a bge-m3-sized T2 evaluation returns ~10 GB of vectors (docs/torch-backend.md). Same frames, other file.
 * The FIFO is opened read-write and non-blocking, so neither opening nor reading can block a libuv thread: an
 * empty pipe polls again after 1 ms, and a dead worker can never leave a read pending that keeps Node alive.
 */
import { spawnSync } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, read, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CHUNK = 1 << 20;

/** An open FIFO that the worker writes to (`path`) and Node reads. */
export interface FifoReader {
  readonly path: string;
  /** Starts reading; `onChunk` gets the bytes in order. */
  start(onChunk: (b: Buffer) => void): void;
  /** Resolves once everything written so far has been delivered (call after the writer has exited). */
  drain(): Promise<void>;
  /** Stops reading and removes the FIFO. */
  close(): void;
}

/** Creates a FIFO in a private temp dir, or returns null where mkfifo is unavailable (then stdout is used). */
export function openFifo(): FifoReader | null {
  if (process.platform !== "linux") return null; // O_RDWR on a FIFO is Linux behaviour
  const dir = mkdtempSync(join(tmpdir(), "bench-worker-"));
  const path = join(dir, "replies");
  const made = spawnSync("mkfifo", ["-m", "600", path]);
  if (made.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  let closed = false;
  let reading = false; // a read is in flight: the fd is closed only after it returns, never under it
  let onChunk: (b: Buffer) => void = () => {};
  let idle: (() => void)[] = []; // drain() waiters, released when a read finds the pipe empty
  const finish = (): void => closeSync(fd);
  const loop = (): void => {
    if (closed) return;
    const buf = Buffer.allocUnsafeSlow(CHUNK);
    reading = true;
    read(fd, buf, 0, CHUNK, null, (err, n) => {
      reading = false;
      if (closed) return finish();
      if (err && (err as NodeJS.ErrnoException).code === "EAGAIN") {
        const waiters = idle;
        idle = [];
        waiters.forEach((w) => w());
        setTimeout(loop, 1);
        return;
      }
      if (err) {
        onChunk = () => {};
        return;
      }
      onChunk(buf.subarray(0, n));
      setImmediate(loop);
    });
  };
  return {
    path,
    start(f) {
      onChunk = f;
      loop();
    },
    drain: () => (closed ? Promise.resolve() : new Promise<void>((ok) => idle.push(ok))),
    close() {
      if (closed) return;
      closed = true;
      idle.forEach((w) => w());
      idle = [];
      rmSync(dir, { recursive: true, force: true }); // the open fd outlives its name
      if (!reading) finish();
    },
  };
}
