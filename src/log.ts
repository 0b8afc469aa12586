/**
 * Human-readable logging goes to stderr; stdout is kept for tables and machine output. Messages may quote input
 * files, so control characters are escaped (errors.ts printable) and never reach the terminal raw.
 */
import { printable } from "./errors.js";

export function info(message: string): void {
  process.stderr.write(`${printable(message, true)}\n`);
}

/** A warning line, prefixed so it stands out in CI logs. */
export function warn(message: string): void {
  process.stderr.write(`warning: ${printable(message, true)}\n`);
}
