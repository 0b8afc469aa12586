/**
 * Runs the Python trainer as a child process: its stdout carries one JSON event per line (start, log,
 * checkpoint, interrupted, done, error), its stderr is passed through. Ctrl-C is forwarded as SIGINT, so the
 * trainer finishes the current step, writes a checkpoint and exits 130; a second Ctrl-C kills it. SIGTERM likewise.
 * With `launcher` (torchrun, src/train/distributed.ts) the trainer's ranks run under torchrun in their own process
 * group: torchrun forwards the signal to every rank, and the second Ctrl-C kills the whole group.
 */
import { spawn } from "node:child_process";
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

/** Spawns `python trainer args…` and resolves when it finishes; rejects with a BenchError otherwise. */
export function runTrainer(python: string, script: string, args: string[], opts: { quiet?: boolean; launcher?: string[]; noEvents?: boolean } = {}): Promise<TrainerResult> {
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
    stderrTail.push(line);
    if (stderrTail.length > 30) stderrTail.shift();
    if (!opts.quiet) {
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
      const last = events[events.length - 1];
      // noEvents: a node other than node 0 of a multi-node run, whose ranks print no events (rank 0 does)
      if (code === 0 && (last?.event === "done" || (opts.noEvents && events.length === 0))) return resolvePromise({ events, finalStep });
      const error = events.find((e) => e.event === "error");
      // internal: a torchrun rank crashed (its exception named in the event), not bad input
      if (error) return reject(error.internal ? new BenchError(`train: ${String(error.message)}`, ExitCode.Internal) : inputError(`train: ${String(error.message)}`));
      // torchrun exits 1 after forwarding a signal, whatever its ranks returned
      if ((code === INTERRUPTED_EXIT || group) && events.some((e) => e.event === "interrupted")) {
        return reject(new BenchError(`train: interrupted at step ${finalStep}; the checkpoint is saved, continue with --resume`, INTERRUPTED_EXIT));
      }
      const tail = stderrTail.slice(-12).join("\n");
      reject(new BenchError(`train: the trainer ${signal ? `was killed by ${signal}` : `exited with code ${code}`} at step ${finalStep}${tail ? `:\n${tail}` : ""}`, ExitCode.Internal));
    });
  });
}

function startMessage(e: TrainerEvent): string {
  const model = (e.model ?? {}) as Record<string, unknown>;
  const init = e.random_init ? "random init (no weights in --model: config.json only)" : `weights ${String(model.encoder_weights)}`;
  const from = Number(e.start_step) > 0 ? `resuming at step ${e.start_step} of ${e.total_steps}` : `${e.total_steps} steps`;
  return `train: ${from}; ${e.rows} rows (${e.rows_dropped} without positive or negative dropped); ${init}; head ${String(model.colbert_linear)}; device ${e.device}${Number(e.processes) > 1 ? ` x ${e.processes} processes` : ""}, torch ${e.torch}, ${e.threads} threads${e.sdpa ? ", sdpa attention" : ""}`;
}
