/**
 * Reads `metadata_props` from an ONNX file without a protobuf library: onnxruntime-node does
 * not expose custom metadata, and the model card lives there. Only the top level of
 * `ModelProto` is walked; the graph (field 7) is skipped by its length, not parsed.
 */

/** ModelProto field numbers (onnx.proto3). */
const METADATA_PROPS = 14;
const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

class Reader {
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly end = bytes.length,
  ) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): number {
    let result = 0;
    let shift = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const byte = this.bytes[this.pos++] as number;
      result += (byte & 0x7f) * shift;
      if (byte < 0x80) return result;
      shift *= 128;
    }
    throw new Error('varint longer than 10 bytes');
  }

  skip(wireType: number): void {
    if (wireType === WIRE_VARINT) this.varint();
    else if (wireType === WIRE_I64) this.pos += 8;
    else if (wireType === WIRE_I32) this.pos += 4;
    else if (wireType === WIRE_LEN) {
      const length = this.varint();
      this.pos += length;
    }
    else throw new Error(`unsupported wire type ${wireType}`);
    if (this.pos > this.end) throw new Error('field runs past the end of the file');
  }

  bytesField(): Uint8Array {
    const len = this.varint();
    const start = this.pos;
    this.pos += len;
    if (this.pos > this.end) throw new Error('field runs past the end of the file');
    return this.bytes.subarray(start, this.pos);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses one `StringStringEntryProto { string key = 1; string value = 2; }`. */
function readEntry(bytes: Uint8Array): [string, string] {
  const r = new Reader(bytes);
  let key = '';
  let value = '';
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === WIRE_LEN && (field === 1 || field === 2)) {
      const text = utf8.decode(r.bytesField());
      if (field === 1) key = text;
      else value = text;
    } else r.skip(wire);
  }
  return [key, value];
}

/**
 * Returns the model's `metadata_props` as a plain object. Throws a plain `Error` describing the
 * corruption when the bytes are not a protobuf `ModelProto`.
 */
export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  const r = new Reader(bytes);
  const props: Record<string, string> = {};
  let sawGraph = false;
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 0) throw new Error('field number 0');
    if (field === 7) sawGraph = true;
    if (field === METADATA_PROPS && wire === WIRE_LEN) {
      const [key, value] = readEntry(r.bytesField());
      props[key] = value;
    } else r.skip(wire);
  }
  if (!sawGraph) throw new Error('no graph found');
  return props;
}
