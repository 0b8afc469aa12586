/**
 * Write-then-rename, so a crash or an error never leaves a half-written result or cache file behind.
 * The temp file sits in the target's directory (rename is atomic only within one filesystem).
 */
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";

let counter = 0;

/** A hidden name beside `path`, unique to this process and call: `.<name>.<pid>.<n>.<suffix>`. */
function sibling(path: string, suffix: string): string {
  counter++;
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${counter}.${suffix}`);
}

/** Creates `path`'s directory and returns a temp name beside it, unique to this process and moment. */
function tempBeside(path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  return sibling(path, "tmp");
}

/**
 * Names the target in a file-system error: write(2) errors (ENOSPC) carry no path, and errors about the temp file
 * would name a hidden name the user never chose. The message is left as Node wrote it.
 */
function naming(err: unknown, path: string, temp: string): unknown {
  const e = err as NodeJS.ErrnoException & { dest?: string };
  if (err instanceof Error && typeof e.code === "string" && (e.path === undefined || e.path === temp || e.dest === temp)) {
    e.path = path;
    delete e.dest;
  }
  return err;
}

/** Writes `data` to `path` atomically, creating parent directories (no fsync: used for many small cache files). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  refuseDirectory(path);
  const tmp = tempBeside(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw naming(err, path, tmp);
  }
}

/** Throws EISDIR when a directory occupies `path` (a rename would fail, or replace an empty directory). */
function refuseDirectory(path: string): void {
  if (existsSync(path) && lstatSync(path).isDirectory()) {
    throw Object.assign(new Error(`EISDIR: illegal operation on a directory, cannot replace directory '${path}' with a file`), {
      code: "EISDIR",
      syscall: "rename",
      path,
    });
  }
}

/** Writes `data` to a new file `path` and flushes it to disk before returning. */
function writeDurable(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, "wx");
  try {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let off = 0;
    while (off < bytes.byteLength) off += writeSync(fd, bytes, off, bytes.byteLength - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The file-system steps of writeFilesAtomic that tests may replace, to make the k-th step fail. */
export interface AtomicSetFs {
  rename: (from: string, to: string) => void;
  /** Hard-links a backup; where it throws (a file system without links), the backup is a copy. */
  link: (existing: string, backup: string) => void;
}

const realFs: AtomicSetFs = { rename: renameSync, link: linkSync };

/** One target of a set: its temp file, and the backup of the file it replaces (null when it did not exist). */
interface Slot {
  path: string;
  temp: string;
  backup: string | null;
  placed: boolean;
}

/**
 * Writes several files as one unit, never losing what was there before:
 * 1. every temp file is written and fsynced beside its target (a target that is a directory is refused here);
 * 2. each existing target gets a backup (a hard link to the same inode, or a copy where links are not
 *    supported), then each temp is renamed over its target — so a target is never missing, even for a moment;
 * 3. on success the backups are removed. On any failure the backups are renamed back over the targets, the new
 *    files of targets that did not exist are removed, and every temp is removed: the previous set is left
 *    byte for byte as it was, and nothing this call did not create is ever deleted.
 * Used by `bench split` for its three outputs and by the results writer for a result set. `fs` is for tests.
 */
export function writeFilesAtomic(files: ReadonlyArray<{ path: string; data: string | Uint8Array }>, fs: Partial<AtomicSetFs> = {}): void {
  const fsOps: AtomicSetFs = { ...realFs, ...fs };
  const slots: Slot[] = [];
  try {
    for (const f of files) {
      refuseDirectory(f.path);
      const slot: Slot = { path: f.path, temp: tempBeside(f.path), backup: null, placed: false };
      slots.push(slot);
      try {
        writeDurable(slot.temp, f.data);
      } catch (err) {
        throw naming(err, f.path, slot.temp);
      }
    }
    for (const s of slots) {
      if (existsSync(s.path)) {
        const backup = sibling(s.path, "bak");
        try {
          fsOps.link(s.path, backup);
        } catch {
          try {
            copyFileSync(s.path, backup);
          } catch (err) {
            rmSync(backup, { force: true });
            throw naming(err, s.path, backup);
          }
        }
        s.backup = backup;
      }
    }
    for (const s of slots) {
      try {
        fsOps.rename(s.temp, s.path);
      } catch (err) {
        throw naming(err, s.path, s.temp);
      }
      s.placed = true;
    }
  } catch (err) {
    throw rollback(slots, err);
  }
  for (const s of slots) if (s.backup) rmSync(s.backup, { force: true });
}

/** Undoes a failed set; returns the error to throw (the original, noting any file that could not be restored). */
function rollback(slots: Slot[], err: unknown): unknown {
  const stuck: string[] = [];
  for (const s of slots) {
    try {
      // A backup is a hard link to the target's old inode: rename it back only where the target was replaced
      // (renaming a link onto the same inode is a no-op that would leave the backup name behind).
      if (s.backup && s.placed) renameSync(s.backup, s.path);
      else if (s.backup) rmSync(s.backup, { force: true });
      else if (s.placed) rmSync(s.path, { force: true });
    } catch {
      if (s.backup) stuck.push(`${s.path} (previous contents kept in ${s.backup})`);
    }
    try {
      rmSync(s.temp, { force: true });
    } catch {}
  }
  if (stuck.length > 0 && err instanceof Error) err.message += `; could not restore ${stuck.join(", ")}`;
  return err;
}
