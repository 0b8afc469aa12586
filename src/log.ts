/** Human-readable logging goes to stderr; stdout is kept for tables and machine output. */
export function info(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** A warning line, prefixed so it stands out in CI logs. */
export function warn(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}
