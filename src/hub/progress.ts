/**
 * Download progress as plain stderr lines (no TTY tricks, so CI logs stay readable): at most one line every
 * 2 s, only for files over 8 MB, plus a closing line with the size and the average rate.
 */
import { info } from "../log.js";

const MIN_BYTES = 8 * 1024 * 1024;
const EVERY_MS = 2000;

function mb(n: number): string {
  return `${(n / 1048576).toFixed(1)} MB`;
}

/** Tracks bytes written for one file and prints throttled progress lines. */
export class Progress {
  private readonly start = Date.now();
  private last = this.start;
  private announced = false;

  constructor(
    private readonly label: string,
    private readonly total: number | null,
  ) {}

  /** Reports the running byte count; prints when the file is big and 2 s passed since the last line. */
  update(bytes: number): void {
    const now = Date.now();
    if (now - this.last < EVERY_MS || Math.max(bytes, this.total ?? 0) < MIN_BYTES) return;
    this.last = now;
    this.announced = true;
    const rate = bytes / Math.max((now - this.start) / 1000, 1e-3);
    const of = this.total !== null ? ` / ${mb(this.total)} (${((100 * bytes) / this.total).toFixed(0)}%)` : "";
    info(`hub: ${this.label}: ${mb(bytes)}${of} at ${mb(rate)}/s`);
  }

  /** Prints the closing line for big files (or when progress was shown). */
  done(bytes: number): void {
    if (!this.announced && bytes < MIN_BYTES) return;
    const secs = Math.max((Date.now() - this.start) / 1000, 1e-3);
    info(`hub: ${this.label}: downloaded ${mb(bytes)} in ${secs.toFixed(1)} s (${mb(bytes / secs)}/s)`);
  }
}
