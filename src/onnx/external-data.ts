/**
 * The external-data files an ONNX graph names: every TensorProto with `external_data` {key "location"} —
 * initializers, sparse initializers, and tensors inside node attributes (bge-m3's `onnx/Constant_7_attr__value`
 * is a Constant node's value), in subgraphs and functions too. Read from the protobuf wire format with
 * positioned reads (./onnx-params.ts), so a graph with GBs of embedded weights is not loaded. ORT opens these
 * files relative to the graph's folder: they are what a download must fetch, what the content hash covers, and
 * what must stay inside the model root (./model-paths.ts).
 */
import { open } from "node:fs/promises";
import { inputError } from "../errors.js";
import { fields, Reader } from "./params.js";

// onnx.proto field numbers
const MODEL_GRAPH = 7;
const MODEL_FUNCTIONS = 25;
const FUNCTION_NODE = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const GRAPH_SPARSE_INITIALIZER = 15;
const NODE_ATTRIBUTE = 5;
const ATTR_T = 5;
const ATTR_G = 6;
const ATTR_TENSORS = 10;
const ATTR_GRAPHS = 11;
const ATTR_SPARSE_TENSOR = 22;
const ATTR_SPARSE_TENSORS = 23;
const SPARSE_VALUES = 1;
const SPARSE_INDICES = 2;
const TENSOR_EXTERNAL_DATA = 13;

/** The distinct `location` values of the graph at `path`, in first-seen order. */
export async function onnxExternalDataLocations(path: string): Promise<string[]> {
  const fh = await open(path, "r");
  const found = new Set<string>();
  const dec = new TextDecoder("utf-8", { fatal: true });
  try {
    const r = new Reader(fh);
    const bytes = async (s: number, e: number): Promise<Uint8Array> => {
      const b = Buffer.alloc(e - s);
      await fh.read(b, 0, e - s, s);
      return b;
    };
    const tensor = async (s: number, e: number): Promise<void> =>
      fields(r, s, e, async (f, w, ts, te) => {
        if (f !== TENSOR_EXTERNAL_DATA || w !== 2) return;
        let key = "";
        let value = "";
        await fields(r, ts, te, async (kf, kw, ks, ke) => {
          if (kw !== 2) return;
          if (kf === 1) key = dec.decode(await bytes(ks, ke));
          else if (kf === 2) value = dec.decode(await bytes(ks, ke));
        });
        if (key === "location") found.add(value);
      });
    const sparse = async (s: number, e: number): Promise<void> =>
      fields(r, s, e, async (f, w, ts, te) => {
        if (w === 2 && (f === SPARSE_VALUES || f === SPARSE_INDICES)) await tensor(ts, te);
      });
    const node = async (s: number, e: number): Promise<void> =>
      fields(r, s, e, async (f, w, as, ae) => {
        if (f !== NODE_ATTRIBUTE || w !== 2) return;
        await fields(r, as, ae, async (af, aw, xs, xe) => {
          if (aw !== 2) return;
          if (af === ATTR_T || af === ATTR_TENSORS) await tensor(xs, xe);
          else if (af === ATTR_G || af === ATTR_GRAPHS) await graph(xs, xe);
          else if (af === ATTR_SPARSE_TENSOR || af === ATTR_SPARSE_TENSORS) await sparse(xs, xe);
        });
      });
    const graph = async (s: number, e: number): Promise<void> =>
      fields(r, s, e, async (f, w, gs, ge) => {
        if (w !== 2) return;
        if (f === GRAPH_NODE) await node(gs, ge);
        else if (f === GRAPH_INITIALIZER) await tensor(gs, ge);
        else if (f === GRAPH_SPARSE_INITIALIZER) await sparse(gs, ge);
      });
    const size = (await fh.stat()).size;
    await fields(r, 0, size, async (f, w, s, e) => {
      if (w !== 2) return;
      if (f === MODEL_GRAPH) await graph(s, e);
      else if (f === MODEL_FUNCTIONS)
        await fields(r, s, e, async (ff, fw, ns, ne) => (ff === FUNCTION_NODE && fw === 2 ? node(ns, ne) : undefined));
    });
  } catch (err) {
    if ((err as { exitCode?: number }).exitCode !== undefined) throw err;
    throw inputError(`model: ${path} is not a readable ONNX graph: ${(err as Error).message}`);
  } finally {
    await fh.close();
  }
  return [...found];
}
