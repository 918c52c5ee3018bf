/**
 * How a record sits in a results stream entry: MessagePack of the `AnalysisRecord`, except that
 * a face mesh's 468 points travel as one float32 array (x, y, z interleaved: 5.6 kB instead of
 * about 17 kB of float64 maps) and are turned back into `Point3`s on read, or are left out.
 *
 * ```
 * write  { ..., landmarks: { points: [{x,y,z} x 468], presence, roi } }
 * entry  { ..., landmarks: { xyz: <5,616 bytes: 1,404 float32>, presence, roi } }   (or none)
 * read   { ..., landmarks: { points: [{x,y,z} x 468], presence, roi } }   (float32 precision)
 * ```
 */
import { pack, unpack } from 'msgpackr';
import type { AnalysisRecord, FaceLandmarks, FaceResult, Point3 } from '../index.js';

export function encodeRecord(record: AnalysisRecord, withLandmarks: boolean): Buffer {
  if (record.type !== 'frame' || !record.faces.some((f) => f.landmarks)) return pack(record);
  const faces = record.faces.map((face) => {
    const { landmarks, ...rest } = face;
    if (!landmarks || !withLandmarks) return rest;
    const { points, ...meta } = landmarks;
    const xyz = new Float32Array(points.length * 3);
    points.forEach((p, i) => {
      xyz[3 * i] = p.x;
      xyz[3 * i + 1] = p.y;
      xyz[3 * i + 2] = p.z;
    });
    return { ...rest, landmarks: { ...meta, xyz: Buffer.from(xyz.buffer) } }; // little-endian bytes
  });
  return pack({ ...record, faces });
}

type StoredLandmarks = Omit<FaceLandmarks, 'points'> & { readonly xyz: Uint8Array };

export function decodeRecord(entry: Buffer): AnalysisRecord {
  const record = unpack(entry) as AnalysisRecord;
  if (record.type !== 'frame') return record;
  const faces = record.faces.map((face): FaceResult => {
    const stored = face.landmarks as unknown as StoredLandmarks | undefined;
    if (!stored?.xyz) return face;
    const { xyz: bytes, ...meta } = stored;
    const xyz = new Float32Array(new Uint8Array(bytes).buffer); // a copy: aligned for the view
    const points: Point3[] = [];
    for (let i = 0; i + 2 < xyz.length; i += 3) points.push({ x: xyz[i]!, y: xyz[i + 1]!, z: xyz[i + 2]! });
    return { ...face, landmarks: { ...meta, points } };
  });
  return { ...record, faces };
}
