/**
 * A strict unpickler for exactly what `torch.save(module.state_dict())` writes (pickle protocol 2): an
 * OrderedDict of tensors rebuilt by `torch._utils._rebuild_tensor_v2` from persistent storage ids. It knows
 * a handful of opcodes and four globals, and builds plain data; every other opcode or global is refused with
 * its name. Nothing is ever called or constructed from the file, so a malicious pickle (`os.system`, …) cannot
 * run code here: it stops at the first unknown GLOBAL. (docs/model-format.md, "why our own unpickler".)
 */
import { PickleReader } from "./pickle-reader.js";

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

/** What the pickle holds: parameter name → tensor reference, in file order. */
export type StateDictRefs = Map<string, TensorRef>;

/** Unpickles `data` (the archive's data.pkl); `fail(msg)` builds the error (it names the file). */
export function unpickleStateDict(data: Uint8Array, fail: (msg: string) => Error): StateDictRefs {
  return new PickleMachine(new PickleReader(data, fail), fail).run();
}

/** One opcode the machine accepts: its name (for messages) and what it does; `at` is the opcode's byte. */
interface Opcode {
  name: string;
  run: (m: PickleMachine, at: number, name: string) => void;
}

/**
 * The interpreter's state (stack, marks, memo, reader position) and one method per opcode family. Values are
 * only ever built as data; the dispatch table OPCODES below is the whole of what a pickle may do.
 */
class PickleMachine {
  /** The current frame; MARK pushes it onto `marks` and starts an empty one. */
  private stack: Slot[] = [];
  private readonly marks: Slot[][] = [];
  private readonly memo = new Map<number, Value>();
  /** Set by STOP. */
  private result: StateDictRefs | null = null;

  constructor(
    readonly r: PickleReader,
    private readonly fail: (msg: string) => Error,
  ) {}

  run(): StateDictRefs {
    for (;;) {
      const at = this.r.pos;
      const op = this.r.u8();
      const opcode = OPCODES.get(op);
      if (!opcode) throw this.fail(refusal(op, at));
      opcode.run(this, at, opcode.name);
      if (this.result) return this.result;
    }
  }

  // --- the stack ---

  push(v: Value): void {
    this.stack.push(v);
  }

  private top(): Slot | undefined {
    return this.stack[this.stack.length - 1];
  }

  private pop(): Value {
    const v = this.stack.pop();
    if (v === undefined || v === MARK) throw this.fail(`data.pkl: stack underflow at byte ${this.r.pos}`);
    return v;
  }

  mark(): void {
    this.marks.push(this.stack);
    this.stack = [];
  }

  /** The items since the last MARK; the frame below becomes the stack again. */
  private popMark(): Value[] {
    const items = this.stack;
    const prev = this.marks.pop();
    if (!prev) throw this.fail(`data.pkl: no MARK before byte ${this.r.pos}`);
    this.stack = prev;
    if (items.includes(MARK)) throw this.fail(`data.pkl: unbalanced MARK before byte ${this.r.pos}`);
    return items as Value[];
  }

  // --- protocol ---

  proto(): void {
    const v = this.r.u8();
    if (v < 2 || v > 5) throw this.fail(`data.pkl: pickle protocol ${v} (expected 2–5)`);
  }

  // --- globals: only the allow-list, as names ---

  /** GLOBAL: module and name on two lines. */
  globalOp(): void {
    const mod = this.r.line();
    this.push(this.global(`${mod}.${this.r.line()}`, "GLOBAL"));
  }

  stackGlobal(at: number): void {
    const name = this.pop();
    const mod = this.pop();
    if (typeof mod !== "string" || typeof name !== "string") throw this.fail(`data.pkl: STACK_GLOBAL needs two strings at byte ${at}`);
    this.push(this.global(`${mod}.${name}`, "STACK_GLOBAL"));
  }

  private global(name: string, op: string): Global {
    if (!ALLOWED_GLOBALS.has(name))
      throw this.fail(
        `data.pkl: ${op} ${name} at byte ${this.r.pos} is not allowed (a state dict of float tensors needs only ${[...ALLOWED_GLOBALS].join(", ")}); refusing to load`,
      );
    return { kind: "global", name };
  }

  // --- the memo ---

  /** BINPUT, LONG_BINPUT, MEMOIZE: remember the top of the stack. */
  memoPut(name: string, idx: number, at: number): void {
    const top = this.top();
    if (top === undefined || top === MARK) throw this.fail(`data.pkl: ${name} on an empty stack at byte ${at}`);
    this.memo.set(idx, top);
  }

  /** The index MEMOIZE uses: the next free one. */
  memoSize(): number {
    return this.memo.size;
  }

  /** BINGET, LONG_BINGET. */
  memoGet(name: string, idx: number, at: number): void {
    if (!this.memo.has(idx)) throw this.fail(`data.pkl: ${name} ${idx} of an unset memo slot at byte ${at}`);
    this.push(this.memo.get(idx) as Value);
  }

  // --- tuples and dicts ---

  tupleFromMark(): void {
    const items = this.popMark(); // before `push`: popMark replaces `stack`
    this.push(items);
  }

  /** TUPLE1, TUPLE2, TUPLE3. */
  tupleOf(k: number): void {
    const items: Value[] = [];
    for (let i = 0; i < k; i++) items.unshift(this.pop());
    this.push(items);
  }

  setItem(): void {
    const v = this.pop();
    const k = this.pop();
    this.setItems(this.top(), [k, v]);
  }

  setItemsFromMark(): void {
    const kv = this.popMark();
    this.setItems(this.top(), kv);
  }

  private setItems(d: Slot | undefined, kv: Value[]): void {
    if (!isDict(d)) throw this.fail(`data.pkl: SETITEM(S) on something that is not a dict at byte ${this.r.pos}`);
    for (let i = 0; i + 1 < kv.length; i += 2) {
      const k = kv[i];
      if (typeof k !== "string") throw this.fail(`data.pkl: a dict key is not a string at byte ${this.r.pos}`);
      d.entries.set(k, kv[i + 1]);
    }
  }

  // --- torch: storages, the two allowed calls, BUILD and the result ---

  /** BINPERSID: torch's storage ids. */
  persistentId(at: number): void {
    const pid = this.pop();
    if (!Array.isArray(pid) || pid.length !== 5 || pid[0] !== "storage")
      throw this.fail(`data.pkl: persistent id at byte ${at} is not ('storage', type, key, location, numel)`);
    const [, type, key, , numel] = pid;
    if (typeof type !== "object" || type === null || Array.isArray(type) || type.kind !== "global" || !(type.name in STORAGES)) {
      throw this.fail(`data.pkl: storage type at byte ${at} is not a float storage (${Object.keys(STORAGES).join(", ")})`);
    }
    if (typeof key !== "string") throw this.fail(`data.pkl: storage key at byte ${at} is not a string`);
    this.push({ kind: "storage", dtype: STORAGES[type.name], key, numel: this.int(numel, "storage numel") });
  }

  /** REDUCE: only OrderedDict() and _rebuild_tensor_v2(...), evaluated here as data. */
  reduce(at: number): void {
    const args = this.pop();
    const fn = this.pop();
    if (typeof fn !== "object" || fn === null || Array.isArray(fn) || fn.kind !== "global" || !Array.isArray(args))
      throw this.fail(`data.pkl: REDUCE at byte ${at} applies something that is not an allowed global`);
    if (fn.name === "collections.OrderedDict") {
      if (args.length !== 0) throw this.fail(`data.pkl: OrderedDict(...) with arguments at byte ${at}`);
      this.push({ kind: "dict", ordered: true, entries: new Map() });
    } else if (fn.name === "torch._utils._rebuild_tensor_v2") this.push(this.rebuildTensor(args, at));
    else throw this.fail(`data.pkl: REDUCE of ${fn.name} at byte ${at} is not allowed`);
  }

  /** `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])`. */
  private rebuildTensor(args: Value[], at: number): TensorRef {
    if (args.length < 6 || args.length > 7) throw this.fail(`data.pkl: _rebuild_tensor_v2 with ${args.length} arguments at byte ${at}`);
    const [storage, offset, size, stride, , hooks] = args;
    if (typeof storage !== "object" || storage === null || Array.isArray(storage) || storage.kind !== "storage")
      throw this.fail(`data.pkl: _rebuild_tensor_v2 without a storage at byte ${at}`);
    if (!isDict(hooks) || hooks.entries.size > 0) throw this.fail(`data.pkl: tensor at byte ${at} has backward hooks`);
    return {
      kind: "tensor",
      storage,
      offset: this.int(offset, "storage offset"),
      size: this.ints(size, "size"),
      stride: this.ints(stride, "stride"),
    };
  }

  /** BUILD: state_dict() sets `_metadata` (per-module versions) on the OrderedDict; nothing else. */
  build(at: number): void {
    const state = this.pop();
    const target = this.top();
    if (!isDict(target) || !target.ordered) throw this.fail(`data.pkl: BUILD at byte ${at} on something that is not an OrderedDict`);
    if (state !== null && !(isDict(state) && [...state.entries.keys()].every((k) => k === "_metadata"))) {
      throw this.fail(`data.pkl: BUILD at byte ${at} sets attributes other than _metadata`);
    }
  }

  /** STOP: the top of the stack must be a dict of tensors. */
  stop(): void {
    const top = this.pop();
    if (!isDict(top)) throw this.fail("data.pkl does not hold a dict (expected a state dict: parameter name → tensor)");
    const out: StateDictRefs = new Map();
    for (const [k, v] of top.entries) {
      if (typeof v !== "object" || v === null || Array.isArray(v) || v.kind !== "tensor")
        throw this.fail(`data.pkl: entry "${k}" is not a tensor`);
      out.set(k, v);
    }
    this.result = out;
  }

  private int(v: Value, what: string): number {
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
      throw this.fail(`data.pkl: ${what} must be a non-negative integer, got ${JSON.stringify(v)}`);
    return v;
  }

  private ints(v: Value, what: string): number[] {
    if (!Array.isArray(v)) throw this.fail(`data.pkl: ${what} must be a tuple of integers`);
    return v.map((x) => this.int(x, what));
  }
}

function isDict(v: Slot | undefined): v is Dict {
  return typeof v === "object" && v !== null && !Array.isArray(v) && v.kind === "dict";
}

/** The message for any opcode not in OPCODES: its byte, and its character when printable. */
function refusal(op: number, at: number): string {
  const char = op >= 0x20 && op < 0x7f ? ` '${String.fromCharCode(op)}'` : "";
  return `data.pkl: opcode 0x${op.toString(16).padStart(2, "0")}${char} at byte ${at} is not allowed in a state dict of float tensors; refusing to load`;
}

function opcode(name: string, run: Opcode["run"]): Opcode {
  return { name, run };
}

/**
 * Every opcode a state dict needs (hex, named as pickletools and the pickle source list them); any other byte is
 * refused. Arguments are read here, in file order, before the family method runs.
 */
const OPCODES: ReadonlyMap<number, Opcode> = new Map([
  [0x80, opcode("PROTO", (m) => m.proto())],
  [0x95, opcode("FRAME", (m) => m.r.skip(8, "FRAME"))], // protocol 4: an 8-byte frame length, nothing to do
  [0x63, opcode("GLOBAL", (m) => m.globalOp())],
  [0x93, opcode("STACK_GLOBAL", (m, at) => m.stackGlobal(at))],
  [0x71, opcode("BINPUT", (m, at, name) => m.memoPut(name, m.r.u8(), at))],
  [0x72, opcode("LONG_BINPUT", (m, at, name) => m.memoPut(name, m.r.u32(), at))],
  [0x94, opcode("MEMOIZE", (m, at, name) => m.memoPut(name, m.memoSize(), at))],
  [0x68, opcode("BINGET", (m, at, name) => m.memoGet(name, m.r.u8(), at))],
  [0x6a, opcode("LONG_BINGET", (m, at, name) => m.memoGet(name, m.r.u32(), at))],
  [0x28, opcode("MARK", (m) => m.mark())],
  [0x29, opcode("EMPTY_TUPLE", (m) => m.push([]))],
  [0x74, opcode("TUPLE", (m) => m.tupleFromMark())],
  [0x85, opcode("TUPLE1", (m) => m.tupleOf(1))],
  [0x86, opcode("TUPLE2", (m) => m.tupleOf(2))],
  [0x87, opcode("TUPLE3", (m) => m.tupleOf(3))],
  [0x58, opcode("BINUNICODE", (m) => m.push(m.r.str(m.r.u32())))],
  [0x8c, opcode("SHORT_BINUNICODE", (m) => m.push(m.r.str(m.r.u8())))],
  [0x4b, opcode("BININT1", (m) => m.push(m.r.u8()))],
  [0x4d, opcode("BININT2", (m) => m.push(m.r.u16()))],
  [0x4a, opcode("BININT", (m) => m.push(m.r.i32()))],
  [0x8a, opcode("LONG1", (m, at) => m.push(m.r.long1(at)))],
  [0x88, opcode("NEWTRUE", (m) => m.push(true))],
  [0x89, opcode("NEWFALSE", (m) => m.push(false))],
  [0x4e, opcode("NONE", (m) => m.push(null))],
  [0x7d, opcode("EMPTY_DICT", (m) => m.push({ kind: "dict", ordered: false, entries: new Map() }))],
  [0x73, opcode("SETITEM", (m) => m.setItem())],
  [0x75, opcode("SETITEMS", (m) => m.setItemsFromMark())],
  [0x51, opcode("BINPERSID", (m, at) => m.persistentId(at))],
  [0x52, opcode("REDUCE", (m, at) => m.reduce(at))],
  [0x62, opcode("BUILD", (m, at) => m.build(at))],
  [0x2e, opcode("STOP", (m) => m.stop())],
]);
