/**
 * Runs the Python trainer as a child process: its stdout carries one JSON event per line (start, log,
 * checkpoint, interrupted, done, error), its stderr is passed through. Ctrl-C is forwarded as SIGINT, so the
 * trainer finishes the current step, writes a checkpoint and exits 130; a second Ctrl-C kills it. SIGTERM likewise.
 * With `launcher` (torchrun, src/train/distributed.ts) the trainer's ranks run under torchrun in their own process
 * group: torchrun forwards the signal to every rank, and the second Ctrl-C kills the whole group.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, writeSync } from "node:fs";
import { createInterface } from "node:readline";
import { BenchError, ExitCode, inputError } from "../errors.js";
import { info } from "../log.js";
import { type TrainLogEvent, TrainProgress } from "./progress.js";

/** A trainer event as parsed from stdout. */
export type TrainerEvent = { event: string; [key: string]: unknown };

/** How the run ended. */
export interface TrainerResult {
  events: TrainerEvent[];
  finalStep: number;
}

/** Exit status the trainer uses after a clean stop on SIGINT/SIGTERM. */
export const INTERRUPTED_EXIT = 130;

/** Options of runTrainer. */
export interface RunTrainerOptions {
  quiet?: boolean;
  launcher?: string[];
  noEvents?: boolean;
  /** Every stderr line of the trainer goes here (Python tracebacks, which the terminal does not show). */
  logFile?: string;
  /** Called once, on the trainer's start event (it has loaded the model and accepted any checkpoint). */
  onStart?: () => void;
}

/** Opens the trainer log; a log that cannot be written is reported once and skipped (the run itself fails on its own). */
function openLog(file: string | undefined): { write(line: string): void; close(): void; name: string | null } {
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

/** Spawns `python trainer args…` and resolves when it finishes; rejects with a BenchError otherwise. */
export function runTrainer(python: string, script: string, args: string[], opts: RunTrainerOptions = {}): Promise<TrainerResult> {
  const launcher = opts.launcher ?? [];
  const group = launcher.length > 0;
  const child = spawn(python, [...launcher, script, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1", PYTHONUNBUFFERED: "1" },
    detached: group, // torchrun's workers: one process group, so a hard kill reaches every rank
  });
  const kill = (sig: NodeJS.Signals): void => {
    if (group && child.pid !== undefined && sig === "SIGKILL") {
      try {
        process.kill(-child.pid, sig);
        return;
      } catch {
        // the group is gone already: fall through to the child itself
      }
    }
    child.kill(sig);
  };
  const progress = new TrainProgress();
  const events: TrainerEvent[] = [];
  const stderrTail: string[] = [];
  const log = openLog(opts.logFile);
  // A Python traceback (or a C++ abort trace) goes to the log only: the failure is reported in one line naming it.
  let inTrace = false;
  let finalStep = 0;
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts === 1) {
      progress.finish();
      info("train: stopping after the current step and saving a checkpoint (Ctrl-C again to abort without saving)");
      kill("SIGINT");
    } else {
      kill("SIGKILL");
    }
  };
  // SIGTERM (a CI cancel, `kill`) is forwarded the same way, so the trainer is never orphaned mid-step
  const onSigterm = (): void => kill("SIGTERM");
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  createInterface({ input: child.stderr }).on("line", (line) => {
    log.write(line);
    stderrTail.push(line);
    if (stderrTail.length > 30) stderrTail.shift();
    if (/^Traceback \(most recent call last\):|^terminate called|^\s*what\(\):|^Exception raised from/.test(line)) inTrace = true;
    if (!opts.quiet && !inTrace) {
      progress.finish();
      process.stderr.write(`${line}\n`);
    }
  });
  createInterface({ input: child.stdout }).on("line", (line) => {
    let e: TrainerEvent;
    try {
      e = JSON.parse(line) as TrainerEvent;
    } catch {
      process.stderr.write(`${line}\n`); // not an event: a stray print, show it
      return;
    }
    events.push(e);
    if (typeof e.step === "number") finalStep = e.step;
    if (e.event === "start") {
      opts.onStart?.();
      progress.start(Number(e.start_step));
      if (!opts.quiet) info(startMessage(e));
    } else if (e.event === "log" && !opts.quiet) progress.update(e as unknown as TrainLogEvent);
    else if (e.event === "checkpoint" && !opts.quiet) {
      progress.finish();
      info(`train: checkpoint at step ${e.step} → ${e.path}`);
    }
  });
  return new Promise((resolvePromise, reject) => {
    child.on("error", (err) => {
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onSigterm);
      reject(inputError(`train: cannot start ${python}: ${err.message}`));
    });
    child.on("close", (code, signal) => {
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onSigterm);
      progress.finish();
      log.close();
      const seeLog = log.name ? ` (the trainer's full output: ${log.name})` : "";
      const last = events[events.length - 1];
      // noEvents: a node other than node 0 of a multi-node run, whose ranks print no events (rank 0 does)
      if (code === 0 && (last?.event === "done" || (opts.noEvents && events.length === 0))) return resolvePromise({ events, finalStep });
      const error = events.find((e) => e.event === "error");
      // internal: a torchrun rank crashed (its exception named in the event), not bad input
      if (error)
        return reject(
          error.internal
            ? new BenchError(`train: ${String(error.message)}${seeLog}`, ExitCode.Internal)
            : inputError(`train: ${String(error.message)}`),
        );
      // torchrun exits 1 after forwarding a signal, whatever its ranks returned
      if ((code === INTERRUPTED_EXIT || group) && events.some((e) => e.event === "interrupted")) {
        return reject(
          new BenchError(`train: interrupted at step ${finalStep}; the checkpoint is saved, continue with --resume`, INTERRUPTED_EXIT),
        );
      }
      // one line: the last error-looking line of stderr (a Python exception, a C++ what()), the rest is in the log
      const why =
        [...stderrTail].reverse().find((l) => /^\w+(\.\w+)*(Error|Exception)\b|what\(\):|^trainer:|Error:/.test(l.trim())) ??
        stderrTail[stderrTail.length - 1];
      reject(
        new BenchError(
          `train: the trainer ${signal ? `was killed by ${signal}` : `exited with code ${code}`} at step ${finalStep}${why ? `: ${why.trim()}` : ""}${seeLog}`,
          ExitCode.Internal,
        ),
      );
    });
  });
}

function startMessage(e: TrainerEvent): string {
  const model = (e.model ?? {}) as Record<string, unknown>;
  const init = e.random_init ? "random init (no weights in --model: config.json only)" : `weights ${String(model.encoder_weights)}`;
  if (e.export_only)
    return `train: exporting the starting point untrained; ${init}; head ${String(model.colbert_linear)}; torch ${e.torch}`;
  const from = Number(e.start_step) > 0 ? `resuming at step ${e.start_step} of ${e.total_steps}` : `${e.total_steps} steps`;
  return `train: ${from}; ${e.rows} rows (${e.rows_dropped} without positive or negative dropped); ${init}; head ${String(model.colbert_linear)}; device ${e.device}${Number(e.processes) > 1 ? ` x ${e.processes} processes` : ""}, torch ${e.torch}, ${e.threads} threads${e.sdpa ? ", sdpa attention" : ""}`;
}
