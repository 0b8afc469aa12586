/**
 * Partial downloads are removed when the process is interrupted (SIGINT / SIGTERM), not only on errors, so
 * Ctrl-C never leaves blobs/*.incomplete behind (issue 11 item 14). The handlers are installed only while a
 * download is in flight; after cleaning up, the process exits 130 (SIGINT) or 143 (SIGTERM), the shell's codes.
 */
import { rmSync } from "node:fs";

const active = new Set<string>();
const CODES = { SIGINT: 130, SIGTERM: 143 } as const;

function onSignal(signal: keyof typeof CODES): void {
  for (const p of active) rmSync(p, { force: true });
  active.clear();
  process.stderr.write(`hub: interrupted (${signal}); partial downloads removed\n`);
  process.exit(CODES[signal]);
}
const handlers = { SIGINT: () => onSignal("SIGINT"), SIGTERM: () => onSignal("SIGTERM") };

/** Registers `path` for removal on SIGINT/SIGTERM; call the returned function once the file is final or gone. */
export function removeOnSignal(path: string): () => void {
  if (active.size === 0) for (const s of ["SIGINT", "SIGTERM"] as const) process.on(s, handlers[s]);
  active.add(path);
  return () => {
    active.delete(path);
    if (active.size === 0) for (const s of ["SIGINT", "SIGTERM"] as const) process.off(s, handlers[s]);
  };
}
