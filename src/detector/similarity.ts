/**
 * 2-D similarity transforms (rotation, uniform scale, translation; no reflection), the
 * alignment model of AU pipelines: it keeps a face's proportions, which AUs depend on.
 */
import type { Point, Similarity } from '../types/face.js';

/**
 * Least-squares similarity mapping `from[i]` onto `to[i]` (Umeyama without reflection).
 * Needs at least two distinct points.
 */
export function estimateSimilarity(from: readonly Point[], to: readonly Point[]): Similarity {
  const n = Math.min(from.length, to.length);
  if (n < 2) throw new RangeError(`estimateSimilarity needs >= 2 point pairs, got ${n}`);
  const pairs = from.slice(0, n).map((p, i) => [p, to[i] as Point] as const);
  const mean = (pick: (pair: readonly [Point, Point]) => number): number =>
    pairs.reduce((sum, pair) => sum + pick(pair), 0) / n;
  const fx = mean(([p]) => p.x);
  const fy = mean(([p]) => p.y);
  const tx = mean(([, q]) => q.x);
  const ty = mean(([, q]) => q.y);
  let dot = 0;
  let cross = 0;
  let norm = 0;
  for (const [p, q] of pairs) {
    const x = p.x - fx;
    const y = p.y - fy;
    const X = q.x - tx;
    const Y = q.y - ty;
    dot += x * X + y * Y;
    cross += x * Y - y * X;
    norm += x * x + y * y;
  }
  if (norm === 0) throw new RangeError('estimateSimilarity: all source points coincide');
  const a = dot / norm;
  const b = cross / norm;
  return { a, b, tx: tx - (a * fx - b * fy), ty: ty - (b * fx + a * fy) };
}

/** Maps a point through `t`. */
export function applySimilarity(t: Similarity, p: Point): Point {
  return { x: t.a * p.x - t.b * p.y + t.tx, y: t.b * p.x + t.a * p.y + t.ty };
}

/** The inverse transform (crop pixels -> frame pixels). */
export function invertSimilarity(t: Similarity): Similarity {
  const s2 = t.a * t.a + t.b * t.b;
  const a = t.a / s2;
  const b = -t.b / s2;
  return { a, b, tx: -(a * t.tx - b * t.ty), ty: -(b * t.tx + a * t.ty) };
}
