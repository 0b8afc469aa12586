/**
 * The external-data files an ONNX graph names, read from the protobuf with the positioned-read walker of
 * ./onnx-params.ts (tensor payloads are never read). A tensor stored outside the graph has
 * TensorProto.data_location (field 14) = EXTERNAL (1) and TensorProto.external_data (field 13), a list of
 * StringStringEntryProto {key = 1, value = 2} whose "location" entry is the file, relative to the graph's folder.
 * Such tensors sit in GraphProto.initializer (field 5) and in Constant nodes' attributes: NodeProto.attribute
 * (field 5) → AttributeProto.t (field 5) / tensors (field 10); subgraphs (AttributeProto.g = 6, graphs = 11)
 * of If/Loop/Scan nodes are walked too. bge-m3's onnx/Constant_7_attr__value is such a Constant (onnx.proto).
 */
import { open } from "node:fs/promises";
import { inputError } from "../errors.js";
import { repoPathProblem } from "../hub/validate.js";
import { fields, Reader } from "./onnx-params.js";

async function readString(r: Reader, s: number, e: number): Promise<string> {
  const b = Buffer.alloc(e - s);
  for (let p = s; p < e; p++) b[p - s] = await r.byte(p);
  return b.toString("utf8");
}

/** The "location" of one TensorProto stored externally, or null. */
async function tensorLocation(r: Reader, s: number, e: number): Promise<string | null> {
  let location: string | null = null;
  let external = false;
  await fields(r, s, e, async (f, w, fs, fe) => {
    if (f === 14 && w === 0) external = (await r.varint(fs))[0] === 1;
    if (f !== 13 || w !== 2) return;
    let key = "";
    let value = "";
    await fields(r, fs, fe, async (kf, kw, ks, ke) => {
      if (kw !== 2) return;
      if (kf === 1) key = await readString(r, ks, ke);
      if (kf === 2) value = await readString(r, ks, ke);
    });
    if (key === "location") location = value;
  });
  return external || location !== null ? location : null;
}

async function graphLocations(r: Reader, s: number, e: number, out: Set<string>): Promise<void> {
  const add = (loc: string | null): void => {
    if (loc !== null) out.add(loc);
  };
  await fields(r, s, e, async (gf, gw, gs, ge) => {
    if (gw !== 2) return;
    if (gf === 5) add(await tensorLocation(r, gs, ge)); // initializer
    if (gf !== 1) return; // node
    await fields(r, gs, ge, async (nf, nw, ns, ne) => {
      if (nf !== 5 || nw !== 2) return; // attribute
      await fields(r, ns, ne, async (af, aw, as, ae) => {
        if (aw !== 2) return;
        if (af === 5 || af === 10) add(await tensorLocation(r, as, ae)); // t, tensors
        if (af === 6 || af === 11) await graphLocations(r, as, ae, out); // g, graphs
      });
    });
  });
}

/**
 * The external-data locations `graphFile` names, in first-seen order, each checked to stay inside the graph's
 * folder (relative, no "..", no absolute path); `label` names the graph in errors.
 */
export async function externalDataFiles(graphFile: string, label = graphFile): Promise<string[]> {
  const fh = await open(graphFile, "r");
  const out = new Set<string>();
  try {
    const r = new Reader(fh);
    const size = (await fh.stat()).size;
    await fields(r, 0, size, async (f, w, s, e) => {
      if (f === 7 && w === 2) await graphLocations(r, s, e, out);
    });
  } catch (err) {
    throw inputError(`model: ${label} is not a readable ONNX graph: ${(err as Error).message}`);
  } finally {
    await fh.close();
  }
  for (const loc of out) {
    const why = repoPathProblem(loc);
    if (why !== null) throw inputError(`model: ${label} names external data ${JSON.stringify(loc)}, which ${why}; external data must stay inside the graph's folder`);
  }
  return [...out];
}
