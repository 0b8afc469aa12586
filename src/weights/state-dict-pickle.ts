/**
 * A strict unpickler for exactly what `torch.save(module.state_dict())` writes (pickle protocol 2): an
 * OrderedDict of tensors rebuilt by `torch._utils._rebuild_tensor_v2` from persistent storage ids. It knows
 * a handful of opcodes and four globals, and builds plain data; every other opcode or global is refused with
 * its name. Nothing is ever called or constructed from the file, so a malicious pickle (`os.system`, …) cannot
 * run code here: it stops at the first unknown GLOBAL. (docs/model-format.md, "why our own unpickler".)
 */

/** A storage reference: `('storage', torch.<T>Storage, key, location, numel)`. */
export interface StorageRef {
  kind: "storage";
  dtype: StorageDtype;
  key: string;
  numel: number;
}

/** A tensor as `_rebuild_tensor_v2` describes it (no bytes yet). */
export interface TensorRef {
  kind: "tensor";
  storage: StorageRef;
  offset: number;
  size: number[];
  stride: number[];
}

/** Element types a float state dict may use; all become float32. */
export type StorageDtype = "float32" | "float16" | "bfloat16";

const STORAGES: Record<string, StorageDtype> = {
  "torch.FloatStorage": "float32",
  "torch.HalfStorage": "float16",
  "torch.BFloat16Storage": "bfloat16",
};
const ALLOWED_GLOBALS = new Set(["collections.OrderedDict", "torch._utils._rebuild_tensor_v2", ...Object.keys(STORAGES)]);

interface Global {
  kind: "global";
  name: string;
}
interface Dict {
  kind: "dict";
  ordered: boolean;
  entries: Map<string, Value>;
}
type Value = null | boolean | number | string | Value[] | Global | Dict | StorageRef | TensorRef;
const MARK = Symbol("mark");
type Slot = Value | typeof MARK;

/** Opcode names for messages (hex, as pickletools and the pickle source list them). */
const NAMES: Record<number, string> = Object.fromEntries([
  [0x80, "PROTO"],
  [0x95, "FRAME"],
  [0x63, "GLOBAL"],
  [0x93, "STACK_GLOBAL"],
  [0x71, "BINPUT"],
  [0x72, "LONG_BINPUT"],
  [0x94, "MEMOIZE"],
  [0x68, "BINGET"],
  [0x6a, "LONG_BINGET"],
  [0x28, "MARK"],
  [0x29, "EMPTY_TUPLE"],
  [0x74, "TUPLE"],
  [0x85, "TUPLE1"],
  [0x86, "TUPLE2"],
  [0x87, "TUPLE3"],
  [0x58, "BINUNICODE"],
  [0x8c, "SHORT_BINUNICODE"],
  [0x4b, "BININT1"],
  [0x4d, "BININT2"],
  [0x4a, "BININT"],
  [0x8a, "LONG1"],
  [0x88, "NEWTRUE"],
  [0x89, "NEWFALSE"],
  [0x4e, "NONE"],
  [0x7d, "EMPTY_DICT"],
  [0x73, "SETITEM"],
  [0x75, "SETITEMS"],
  [0x51, "BINPERSID"],
  [0x52, "REDUCE"],
  [0x62, "BUILD"],
  [0x2e, "STOP"],
]);

/** What the pickle holds: parameter name → tensor reference, in file order. */
export type StateDictRefs = Map<string, TensorRef>;

/** Unpickles `data` (the archive's data.pkl); `fail(msg)` builds the error (it names the file). */
export function unpickleStateDict(data: Uint8Array, fail: (msg: string) => Error): StateDictRefs {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const dec = new TextDecoder("utf-8", { fatal: true });
  let stack: Slot[] = [];
  const marks: Slot[][] = [];
  const memo = new Map<number, Value>();
  let p = 0;
  const need = (k: number, what: string): void => {
    if (p + k > data.length) throw fail(`data.pkl ends inside ${what} at byte ${p} (truncated)`);
  };
  const u8 = (): number => {
    need(1, "an argument");
    return data[p++];
  };
  const u16 = (): number => {
    need(2, "an argument");
    p += 2;
    return dv.getUint16(p - 2, true);
  };
  const u32 = (): number => {
    need(4, "an argument");
    p += 4;
    return dv.getUint32(p - 4, true);
  };
  const str = (len: number): string => {
    need(len, "a string");
    p += len;
    return dec.decode(data.subarray(p - len, p));
  };
  const line = (): string => {
    const end = data.indexOf(0x0a, p);
    if (end < 0) throw fail(`data.pkl ends inside a GLOBAL name at byte ${p} (truncated)`);
    const s = new TextDecoder("latin1").decode(data.subarray(p, end));
    p = end + 1;
    return s;
  };
  const pop = (): Value => {
    const v = stack.pop();
    if (v === undefined || v === MARK) throw fail(`data.pkl: stack underflow at byte ${p}`);
    return v;
  };
  const popMark = (): Value[] => {
    const items = stack;
    const prev = marks.pop();
    if (!prev) throw fail(`data.pkl: no MARK before byte ${p}`);
    stack = prev;
    if (items.includes(MARK)) throw fail(`data.pkl: unbalanced MARK before byte ${p}`);
    return items as Value[];
  };
  const global = (name: string, op: string): Global => {
    if (!ALLOWED_GLOBALS.has(name))
      throw fail(
        `data.pkl: ${op} ${name} at byte ${p} is not allowed (a state dict of float tensors needs only ${[...ALLOWED_GLOBALS].join(", ")}); refusing to load`,
      );
    return { kind: "global", name };
  };
  const isDict = (v: Value): v is Dict => typeof v === "object" && v !== null && !Array.isArray(v) && v.kind === "dict";
  const setItems = (d: Value, kv: Value[]): void => {
    if (!isDict(d)) throw fail(`data.pkl: SETITEM(S) on something that is not a dict at byte ${p}`);
    for (let i = 0; i + 1 < kv.length; i += 2) {
      const k = kv[i];
      if (typeof k !== "string") throw fail(`data.pkl: a dict key is not a string at byte ${p}`);
      d.entries.set(k, kv[i + 1]);
    }
  };
  const int = (v: Value, what: string): number => {
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
      throw fail(`data.pkl: ${what} must be a non-negative integer, got ${JSON.stringify(v)}`);
    return v;
  };
  const ints = (v: Value, what: string): number[] => {
    if (!Array.isArray(v)) throw fail(`data.pkl: ${what} must be a tuple of integers`);
    return v.map((x) => int(x, what));
  };

  for (;;) {
    const at = p;
    const op = u8();
    switch (op) {
      case 0x80: {
        // PROTO
        const v = u8();
        if (v < 2 || v > 5) throw fail(`data.pkl: pickle protocol ${v} (expected 2–5)`);
        break;
      }
      case 0x95: // FRAME (protocol 4): an 8-byte frame length, nothing to do
        need(8, "FRAME");
        p += 8;
        break;
      case 0x63: {
        // GLOBAL
        const mod = line();
        stack.push(global(`${mod}.${line()}`, "GLOBAL"));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const mod = pop();
        if (typeof mod !== "string" || typeof name !== "string") throw fail(`data.pkl: STACK_GLOBAL needs two strings at byte ${at}`);
        stack.push(global(`${mod}.${name}`, "STACK_GLOBAL"));
        break;
      }
      case 0x71: // BINPUT
      case 0x72: // LONG_BINPUT
      case 0x94: {
        // MEMOIZE
        const idx = op === 0x71 ? u8() : op === 0x72 ? u32() : memo.size;
        const top = stack[stack.length - 1];
        if (top === undefined || top === MARK) throw fail(`data.pkl: ${NAMES[op]} on an empty stack at byte ${at}`);
        memo.set(idx, top);
        break;
      }
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const idx = op === 0x68 ? u8() : u32();
        if (!memo.has(idx)) throw fail(`data.pkl: ${NAMES[op]} ${idx} of an unset memo slot at byte ${at}`);
        stack.push(memo.get(idx) as Value);
        break;
      }
      case 0x28: // MARK
        marks.push(stack);
        stack = [];
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x74: {
        // TUPLE
        const items = popMark(); // before `stack.push`: popMark replaces `stack`
        stack.push(items);
        break;
      }
      case 0x85: // TUPLE1
      case 0x86: // TUPLE2
      case 0x87: {
        // TUPLE3
        const k = op - 0x84;
        const items: Value[] = [];
        for (let i = 0; i < k; i++) items.unshift(pop());
        stack.push(items);
        break;
      }
      case 0x58: // BINUNICODE
        stack.push(str(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(str(u8()));
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x4a: // BININT
        need(4, "BININT");
        stack.push(dv.getInt32(p, true));
        p += 4;
        break;
      case 0x8a: {
        // LONG1: a little-endian two's-complement integer of n bytes (sizes above 2^31)
        const len = u8();
        need(len, "LONG1");
        if (len > 7) throw fail(`data.pkl: LONG1 of ${len} bytes at byte ${at} is too large for a tensor size`);
        let v = 0;
        for (let i = len - 1; i >= 0; i--) v = v * 256 + data[p + i];
        if (len > 0 && data[p + len - 1] & 0x80) v -= 2 ** (8 * len);
        p += len;
        stack.push(v);
        break;
      }
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push({ kind: "dict", ordered: false, entries: new Map() });
        break;
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(stack[stack.length - 1] as Value, [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const kv = popMark();
        setItems(stack[stack.length - 1] as Value, kv);
        break;
      }
      case 0x51: {
        // BINPERSID: torch's storage ids
        const pid = pop();
        if (!Array.isArray(pid) || pid.length !== 5 || pid[0] !== "storage")
          throw fail(`data.pkl: persistent id at byte ${at} is not ('storage', type, key, location, numel)`);
        const [, type, key, , numel] = pid;
        if (typeof type !== "object" || type === null || Array.isArray(type) || type.kind !== "global" || !(type.name in STORAGES)) {
          throw fail(`data.pkl: storage type at byte ${at} is not a float storage (${Object.keys(STORAGES).join(", ")})`);
        }
        if (typeof key !== "string") throw fail(`data.pkl: storage key at byte ${at} is not a string`);
        stack.push({ kind: "storage", dtype: STORAGES[type.name], key, numel: int(numel, "storage numel") });
        break;
      }
      case 0x52: {
        // REDUCE: only OrderedDict() and _rebuild_tensor_v2(...), evaluated here as data
        const args = pop();
        const fn = pop();
        if (typeof fn !== "object" || fn === null || Array.isArray(fn) || fn.kind !== "global" || !Array.isArray(args))
          throw fail(`data.pkl: REDUCE at byte ${at} applies something that is not an allowed global`);
        if (fn.name === "collections.OrderedDict") {
          if (args.length !== 0) throw fail(`data.pkl: OrderedDict(...) with arguments at byte ${at}`);
          stack.push({ kind: "dict", ordered: true, entries: new Map() });
        } else if (fn.name === "torch._utils._rebuild_tensor_v2") {
          // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
          if (args.length < 6 || args.length > 7) throw fail(`data.pkl: _rebuild_tensor_v2 with ${args.length} arguments at byte ${at}`);
          const [storage, offset, size, stride, , hooks] = args;
          if (typeof storage !== "object" || storage === null || Array.isArray(storage) || storage.kind !== "storage")
            throw fail(`data.pkl: _rebuild_tensor_v2 without a storage at byte ${at}`);
          if (!isDict(hooks) || hooks.entries.size > 0) throw fail(`data.pkl: tensor at byte ${at} has backward hooks`);
          stack.push({
            kind: "tensor",
            storage,
            offset: int(offset, "storage offset"),
            size: ints(size, "size"),
            stride: ints(stride, "stride"),
          });
        } else throw fail(`data.pkl: REDUCE of ${fn.name} at byte ${at} is not allowed`);
        break;
      }
      case 0x62: {
        // BUILD: state_dict() sets `_metadata` (per-module versions) on the OrderedDict; nothing else
        const state = pop();
        const target = stack[stack.length - 1] as Value;
        if (!isDict(target) || !target.ordered) throw fail(`data.pkl: BUILD at byte ${at} on something that is not an OrderedDict`);
        if (state !== null && !(isDict(state) && [...state.entries.keys()].every((k) => k === "_metadata"))) {
          throw fail(`data.pkl: BUILD at byte ${at} sets attributes other than _metadata`);
        }
        break;
      }
      case 0x2e: {
        // STOP
        const top = pop();
        if (!isDict(top)) throw fail("data.pkl does not hold a dict (expected a state dict: parameter name → tensor)");
        const out: StateDictRefs = new Map();
        for (const [k, v] of top.entries) {
          if (typeof v !== "object" || v === null || Array.isArray(v) || v.kind !== "tensor")
            throw fail(`data.pkl: entry "${k}" is not a tensor`);
          out.set(k, v);
        }
        return out;
      }
      default:
        throw fail(
          `data.pkl: opcode 0x${op.toString(16).padStart(2, "0")}${NAMES[op] ? ` ${NAMES[op]}` : op >= 0x20 && op < 0x7f ? ` '${String.fromCharCode(op)}'` : ""} at byte ${at} is not allowed in a state dict of float tensors; refusing to load`,
        );
    }
  }
}
