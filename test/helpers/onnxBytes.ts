/**
 * Builds model-file variants for tests by appending `metadata_props` entries (protobuf field
 * 14) to a real ONNX file: appended fields are valid protobuf, and a later key wins.
 */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

function lengthDelimited(field: number, payload: Uint8Array): Uint8Array {
  return Uint8Array.from([...varint(field * 8 + 2), ...varint(payload.length), ...payload]);
}

export function withMetadata(onnx: Uint8Array, props: Record<string, string>): Uint8Array {
  const enc = new TextEncoder();
  const parts = Object.entries(props).map(([k, v]) =>
    lengthDelimited(
      14,
      Uint8Array.from([...lengthDelimited(1, enc.encode(k)), ...lengthDelimited(2, enc.encode(v))]),
    ),
  );
  return Buffer.concat([onnx, ...parts]);
}
