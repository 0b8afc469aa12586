/**
 * `--backend onnx` (the default): the EncoderBackend (./encoder-backend.ts) of an ONNX graph run by onnxruntime
 * on the CPU. The graph's files are checked when the model config is read (checkGraphFiles,
 * src/onnx/graph-files.ts); here the ColBERT head (colbert_linear.pt) is loaded, the content hash taken over the
 * graph, its external data, the tokenizer and the head, and the parameters counted. The session opens lazily, so
 * a run served entirely from the vector cache never loads the graph.
 */
import { join } from "node:path";
import { inputError } from "../errors.js";
import { onnxModelContentHash } from "../onnx/graph-files.js";
import { countOnnxParameters } from "../onnx/params.js";
import { modelPath } from "../util/model-paths.js";
import { type ColbertHead, loadColbertHead } from "./colbert-head.js";
import type { EncoderBackend } from "./encoder-backend.js";
import { type EncoderSession, openSession, ortVersion } from "./session.js";
import type { EncodeStats } from "./text-encoder.js";

/** Where an ONNX model's files are and what its config says about them. */
export interface OnnxBackendFiles {
  /** The model root. */
  dir: string;
  /** The graph, relative to `dir`. */
  onnxFile: string;
  /** Its external-data files, as checkGraphFiles returned them. */
  dataFiles: readonly string[];
  tokenizerDir: string;
  /** The ColBERT head file relative to `dir`, and the file (or folder) that names it, or null for none. */
  colbertHead: { file: string; source: string } | null;
  /** The vector size the config declares (bench_model.json's dim), or null. */
  dim: number | null;
}

/** The ONNX backend: a lazily opened onnxruntime session, plus the ColBERT head applied in Node. */
export class OnnxBackend implements EncoderBackend {
  readonly framework = ["ONNX"];
  readonly cacheKeyExtra: Readonly<Record<string, string>> = {};
  readonly infoExtra: Record<string, unknown> = { onnxruntime: ortVersion };

  private constructor(
    private readonly files: OnnxBackendFiles,
    private readonly threads: number,
    private opened: EncoderSession | null,
    readonly head: ColbertHead | null,
    readonly contentHash: string,
    readonly nParameters: number | null,
  ) {}

  /**
   * Loads the head, hashes the files (memoised in `memoFile`) and counts the parameters. `session`: one already
   * open (the config of a graph without bench_model.json is read from it), else null to open on first use.
   */
  static async open(
    files: OnnxBackendFiles,
    threads: number,
    memoFile: string | null,
    session: EncoderSession | null,
  ): Promise<OnnxBackend> {
    const { dir, colbertHead } = files;
    const head = colbertHead ? loadColbertHead(modelPath(dir, colbertHead.file, colbertHead.source, "colbert_head"), threads) : null;
    if (head && files.dim !== null && head.dim !== files.dim)
      throw inputError(`model: ${dir}: ${colbertHead?.file} projects to ${head.dim}, but bench_model.json says dim ${files.dim}`);
    const contentHash = await onnxModelContentHash(
      dir,
      files.onnxFile,
      files.dataFiles,
      files.tokenizerDir,
      colbertHead ? [colbertHead.file] : [],
      memoFile,
    );
    const nParameters = await countOnnxParameters(join(dir, files.onnxFile));
    return new OnnxBackend(files, threads, session, head, contentHash, nParameters);
  }

  async session(stats: EncodeStats): Promise<EncoderSession> {
    if (this.opened === null) {
      const t0 = performance.now();
      this.opened = await openSession(join(this.files.dir, this.files.onnxFile), this.threads);
      stats.openMs += performance.now() - t0;
    }
    return this.opened;
  }

  async release(): Promise<void> {
    if (this.opened) await this.opened.release();
    this.opened = null;
    await this.head?.release();
  }
}
