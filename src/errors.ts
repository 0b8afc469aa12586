/**
 * Errors that carry an exit code. Commands throw; only src/cli.ts turns an error into an exit code.
 * Messages start with the stage ("data: …", "split: …", "eval: …") and name the offending file/line/field.
 */
export class BenchError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.Input,
  ) {
    super(message);
    this.name = "BenchError";
  }
}

/** Exit codes used by every command. `bench check` uses Regression (1) for a failed gate. */
export const ExitCode = {
  Ok: 0,
  Regression: 1,
  Usage: 2,
  Input: 3,
  Internal: 4,
  /** The network failed (hub unreachable, connection broken, stalled, 5xx): retrying may help; docs/hub.md. */
  Network: 5,
} as const;

/** Bad user input: a file, a field, a flag value. Exit 3. */
export function inputError(message: string): BenchError {
  return new BenchError(message, ExitCode.Input);
}

/** Conflicting or missing flags. Exit 2. */
export function usageError(message: string): BenchError {
  return new BenchError(message, ExitCode.Usage);
}
