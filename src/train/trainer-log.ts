/** DIR/trainer.log: every stderr line of the trainer (Python tracebacks, which the terminal does not show). */
import { closeSync, openSync, writeSync } from "node:fs";

/** The open log; `name` is null when there is none (no file asked for, or it could not be created). */
export interface TrainerLog {
  write(line: string): void;
  close(): void;
  name: string | null;
}

/** Opens the trainer log; a log that cannot be written is reported once and skipped (the run itself fails on its own). */
export function openTrainerLog(file: string | undefined): TrainerLog {
  if (!file) return { write() {}, close() {}, name: null };
  let fd: number | null;
  try {
    fd = openSync(file, "w");
  } catch {
    fd = null;
  }
  return {
    name: fd === null ? null : file,
    write(line) {
      if (fd === null) return;
      try {
        writeSync(fd, `${line}\n`);
      } catch {
        closeSync(fd); // a full disk: stop logging, the trainer will fail and say why
        fd = null;
      }
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
