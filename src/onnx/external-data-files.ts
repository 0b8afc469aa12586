/**
 * The external-data files an ONNX graph names, as a hub download needs them: the locations
 * ./external-data.ts reads from the protobuf, validated as repo paths. A tensor stored outside the graph has
 * TensorProto.data_location (field 14) = EXTERNAL (1) and TensorProto.external_data (field 13), a list of
 * StringStringEntryProto {key = 1, value = 2} whose "location" entry is the file, relative to the graph's folder.
 * Such tensors sit in GraphProto.initializer (field 5) and in Constant nodes' attributes: NodeProto.attribute
 * (field 5) → AttributeProto.t (field 5) / tensors (field 10); subgraphs (AttributeProto.g = 6, graphs = 11)
 * of If/Loop/Scan nodes are walked too. bge-m3's onnx/Constant_7_attr__value is such a Constant (onnx.proto).
 */
import { inputError } from "../errors.js";
import { repoPathProblem } from "../util/repo-path.js";
import { onnxExternalDataLocations } from "./external-data.js";

/**
 * The external-data locations `graphFile` names (./external-data.ts reads them), in first-seen order, each
 * checked to stay inside the graph's folder (relative, no "..", no absolute path); `label` names the graph in errors.
 */
export async function externalDataFiles(graphFile: string, label = graphFile): Promise<string[]> {
  let locations: string[];
  try {
    locations = await onnxExternalDataLocations(graphFile);
  } catch (err) {
    throw inputError(
      `model: ${label} is not a readable ONNX graph: ${(err as Error).message.replace(/^model: .*? is not a readable ONNX graph: /, "")}`,
    );
  }
  for (const loc of locations) {
    const why = repoPathProblem(loc);
    if (why !== null)
      throw inputError(
        `model: ${label} names external data ${JSON.stringify(loc)}, which ${why}; external data must stay inside the graph's folder`,
      );
  }
  return locations;
}
