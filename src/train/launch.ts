/**
 * Runs the Python trainer as a child process: its stdout carries one JSON event per line (start, log,
 * checkpoint, interrupted, done, error), its stderr is passed through and kept in DIR/trainer.log
 * (src/train/trainer-log.ts). Ctrl-C is forwarded as SIGINT, so the trainer finishes the current step, writes a
 * checkpoint and exits 130; a second Ctrl-C kills it. SIGTERM likewise.
 * With `launcher` (torchrun, src/train/distributed.ts) the trainer's ranks run under torchrun in their own process
 * group: torchrun forwards the signal to every rank, and the second Ctrl-C kills the whole group.
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { BenchError, ExitCode, inputError } from "../errors.js";
import { info } from "../log.js";
import { type TrainLogEvent, TrainProgress } from "./progress.js";
import { openTrainerLog, type TrainerLog } from "./trainer-log.js";

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

/** Spawns `python trainer args…` and resolves when it finishes; rejects with a BenchError otherwise. */
export function runTrainer(python: string, script: string, args: string[], opts: RunTrainerOptions = {}): Promise<TrainerResult> {
  return new TrainerRun(python, script, args, opts).finished;
}

/** A Python traceback (or a C++ abort trace) begins: from here on stderr goes to the log only. */
const TRACE_START = /^Traceback \(most recent call last\):|^terminate called|^\s*what\(\):|^Exception raised from/;
/** An error-looking stderr line (a Python exception, a C++ what()): the one line a failure is reported with. */
const ERROR_LINE = /^\w+(\.\w+)*(Error|Exception)\b|what\(\):|^trainer:|Error:/;
/** stderr lines kept to name the cause of a failure. */
const STDERR_TAIL_LINES = 30;

/** One trainer run: the child process, the events and stderr it wrote, its log, the progress line and signal handlers. */
class TrainerRun {
  /** Resolves when the trainer finished its run; rejects with the BenchError of how it failed. */
  readonly finished: Promise<TrainerResult>;

  /** torchrun's workers run in their own process group. */
  private readonly group: boolean;
  private readonly child: ChildProcessByStdio<null, Readable, Readable>;
  private readonly progress = new TrainProgress();
  private readonly events: TrainerEvent[] = [];
  /** The last stderr lines. */
  private readonly stderrTail: string[] = [];
  private readonly log: TrainerLog;
  /** A traceback has begun: stderr goes to the log only, the failure is reported in one line naming it. */
  private inTrace = false;
  private finalStep = 0;
  private interrupts = 0;

  constructor(
    python: string,
    script: string,
    args: string[],
    private readonly opts: RunTrainerOptions,
  ) {
    const launcher = opts.launcher ?? [];
    this.group = launcher.length > 0;
    this.child = spawn(python, [...launcher, script, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1", PYTHONUNBUFFERED: "1" },
      detached: this.group, // torchrun's workers: one process group, so a hard kill reaches every rank
    });
    this.log = openTrainerLog(opts.logFile);
    process.on("SIGINT", this.onSigint);
    process.on("SIGTERM", this.onSigterm);
    createInterface({ input: this.child.stderr }).on("line", (line) => this.onStderrLine(line));
    createInterface({ input: this.child.stdout }).on("line", (line) => this.onStdoutLine(line));
    this.finished = new Promise((resolvePromise, reject) => {
      this.child.on("error", (err) => {
        this.unwatchSignals();
        reject(inputError(`train: cannot start ${python}: ${err.message}`));
      });
      this.child.on("close", (code, signal) => {
        this.unwatchSignals();
        this.progress.finish();
        this.log.close();
        const outcome = this.outcome(code, signal);
        if (outcome instanceof BenchError) reject(outcome);
        else resolvePromise(outcome);
      });
    });
  }

  /** Ctrl-C: the first asks the trainer to checkpoint and stop, the second kills it. */
  private readonly onSigint = (): void => {
    this.interrupts++;
    if (this.interrupts === 1) {
      this.progress.finish();
      info("train: stopping after the current step and saving a checkpoint (Ctrl-C again to abort without saving)");
      this.kill("SIGINT");
    } else {
      this.kill("SIGKILL");
    }
  };

  /** SIGTERM (a CI cancel, `kill`) is forwarded the same way, so the trainer is never orphaned mid-step. */
  private readonly onSigterm = (): void => this.kill("SIGTERM");

  private unwatchSignals(): void {
    process.off("SIGINT", this.onSigint);
    process.off("SIGTERM", this.onSigterm);
  }

  /** Signals the trainer; SIGKILL under torchrun goes to the whole process group. */
  private kill(sig: NodeJS.Signals): void {
    const { child } = this;
    if (this.group && child.pid !== undefined && sig === "SIGKILL") {
      try {
        process.kill(-child.pid, sig);
        return;
      } catch {
        // the group is gone already: fall through to the child itself
      }
    }
    child.kill(sig);
  }

  /** Every stderr line goes to the log and the tail; the terminal shows it unless quiet or inside a traceback. */
  private onStderrLine(line: string): void {
    this.log.write(line);
    this.stderrTail.push(line);
    if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
    if (TRACE_START.test(line)) this.inTrace = true;
    if (!this.opts.quiet && !this.inTrace) {
      this.progress.finish();
      process.stderr.write(`${line}\n`);
    }
  }

  /** One JSON event per stdout line: recorded, and shown as the start message, progress line or checkpoint line. */
  private onStdoutLine(line: string): void {
    let e: TrainerEvent;
    try {
      e = JSON.parse(line) as TrainerEvent;
    } catch {
      process.stderr.write(`${line}\n`); // not an event: a stray print, show it
      return;
    }
    const { opts, progress } = this;
    this.events.push(e);
    if (typeof e.step === "number") this.finalStep = e.step;
    if (e.event === "start") {
      opts.onStart?.();
      progress.start(Number(e.start_step));
      if (!opts.quiet) info(startMessage(e));
    } else if (e.event === "log" && !opts.quiet) progress.update(e as unknown as TrainLogEvent);
    else if (e.event === "checkpoint" && !opts.quiet) {
      progress.finish();
      info(`train: checkpoint at step ${e.step} → ${e.path}`);
    }
  }

  /** How the run ended, once the trainer has exited: its result, or the BenchError to fail with. */
  private outcome(code: number | null, signal: NodeJS.Signals | null): TrainerResult | BenchError {
    const { events, finalStep } = this;
    const seeLog = this.log.name ? ` (the trainer's full output: ${this.log.name})` : "";
    const last = events[events.length - 1];
    // noEvents: a node other than node 0 of a multi-node run, whose ranks print no events (rank 0 does)
    if (code === 0 && (last?.event === "done" || (this.opts.noEvents && events.length === 0))) return { events, finalStep };
    const error = events.find((e) => e.event === "error");
    // internal: a torchrun rank crashed (its exception named in the event), not bad input; filesystem: the disk
    // under --out refused a write (full, read-only: the environment, docs/errors.md)
    if (error) {
      if (error.internal) return new BenchError(`train: ${String(error.message)}${seeLog}`, ExitCode.Internal);
      if (error.filesystem) return new BenchError(`train: ${String(error.message)}`, ExitCode.FileSystem);
      return inputError(`train: ${String(error.message)}`);
    }
    // torchrun exits 1 after forwarding a signal, whatever its ranks returned
    if ((code === INTERRUPTED_EXIT || this.group) && events.some((e) => e.event === "interrupted")) {
      return new BenchError(`train: interrupted at step ${finalStep}; the checkpoint is saved, continue with --resume`, INTERRUPTED_EXIT);
    }
    // one line: the last error-looking line of stderr (a Python exception, a C++ what()), the rest is in the log
    const why = [...this.stderrTail].reverse().find((l) => ERROR_LINE.test(l.trim())) ?? this.stderrTail[this.stderrTail.length - 1];
    return new BenchError(
      `train: the trainer ${signal ? `was killed by ${signal}` : `exited with code ${code}`} at step ${finalStep}${why ? `: ${why.trim()}` : ""}${seeLog}`,
      ExitCode.Internal,
    );
  }
}

function startMessage(e: TrainerEvent): string {
  const model = (e.model ?? {}) as Record<string, unknown>;
  const init = e.random_init ? "random init (no weights in --model: config.json only)" : `weights ${String(model.encoder_weights)}`;
  if (e.export_only)
    return `train: exporting the starting point untrained; ${init}; head ${String(model.colbert_linear)}; torch ${e.torch}`;
  const from = Number(e.start_step) > 0 ? `resuming at step ${e.start_step} of ${e.total_steps}` : `${e.total_steps} steps`;
  return `train: ${from}; ${e.rows} rows (${e.rows_dropped} without positive or negative dropped); ${init}; head ${String(model.colbert_linear)}; device ${e.device}${Number(e.processes) > 1 ? ` x ${e.processes} processes` : ""}, torch ${e.torch}, ${e.threads} threads${e.sdpa ? ", sdpa attention" : ""}`;
}
