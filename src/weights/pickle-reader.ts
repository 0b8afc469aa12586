/**
 * PickleReader: a cursor over the bytes of a pickle for the strict unpickler (./state-dict-pickle.ts). Every
 * read checks the bytes are there first, so a truncated file is an error naming the byte, never a wrong value.
 */
export class PickleReader {
  /** The offset of the next unread byte. */
  pos = 0;
  private readonly dv: DataView;
  private readonly utf8 = new TextDecoder("utf-8", { fatal: true });

  /** `fail(msg)` builds the error (it names the file). */
  constructor(
    private readonly data: Uint8Array,
    private readonly fail: (msg: string) => Error,
  ) {
    this.dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  /** Refuses to read `k` bytes past the end; `what` names what was being read. */
  need(k: number, what: string): void {
    if (this.pos + k > this.data.length) throw this.fail(`data.pkl ends inside ${what} at byte ${this.pos} (truncated)`);
  }

  skip(k: number, what: string): void {
    this.need(k, what);
    this.pos += k;
  }

  u8(): number {
    this.need(1, "an argument");
    return this.data[this.pos++];
  }

  u16(): number {
    this.need(2, "an argument");
    this.pos += 2;
    return this.dv.getUint16(this.pos - 2, true);
  }

  u32(): number {
    this.need(4, "an argument");
    this.pos += 4;
    return this.dv.getUint32(this.pos - 4, true);
  }

  /** BININT's signed 4-byte argument. */
  i32(): number {
    this.need(4, "BININT");
    const v = this.dv.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** LONG1: a little-endian two's-complement integer of n bytes (sizes above 2^31); `at` is the opcode's byte. */
  long1(at: number): number {
    const len = this.u8();
    this.need(len, "LONG1");
    if (len > 7) throw this.fail(`data.pkl: LONG1 of ${len} bytes at byte ${at} is too large for a tensor size`);
    let v = 0;
    for (let i = len - 1; i >= 0; i--) v = v * 256 + this.data[this.pos + i];
    if (len > 0 && this.data[this.pos + len - 1] & 0x80) v -= 2 ** (8 * len);
    this.pos += len;
    return v;
  }

  /** `len` bytes of UTF-8 (a malformed sequence throws). */
  str(len: number): string {
    this.need(len, "a string");
    this.pos += len;
    return this.utf8.decode(this.data.subarray(this.pos - len, this.pos));
  }

  /** A newline-terminated latin-1 line (GLOBAL's module and name). */
  line(): string {
    const end = this.data.indexOf(0x0a, this.pos);
    if (end < 0) throw this.fail(`data.pkl ends inside a GLOBAL name at byte ${this.pos} (truncated)`);
    const s = new TextDecoder("latin1").decode(this.data.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }
}
