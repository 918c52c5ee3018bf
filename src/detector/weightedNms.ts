/**
 * MediaPipe-style weighted non-maximum suppression.
 *
 * Plain NMS keeps the best box of each cluster and throws the rest away; BlazeFace's anchors
 * are dense, so averaging every overlapping candidate by score gives steadier boxes and
 * keypoints (less jitter from frame to frame). The cluster keeps its best score.
 *
 * ```
 * candidates:  A(0.9)  A'(0.6) overlapping A,  B(0.8) elsewhere
 * result:      blend(A, A') with score 0.9,  B with score 0.8
 * ```
 *
 * @see https://github.com/google-ai-edge/mediapipe/blob/master/mediapipe/calculators/util/non_max_suppression_calculator.cc
 */
import type { Face, Point } from '../types/face.js';
import { boxIou } from './boxIou.js';

export interface WeightedNmsOptions {
  /** Candidates overlapping the cluster's best one by more than this IoU are merged into it. */
  readonly iouThreshold: number;
  /** At most this many faces are returned, best first. */
  readonly maxFaces: number;
}

/** Score-weighted mean of boxes and keypoints of `cluster`; the score is the best one's. */
function blend(cluster: readonly Face[]): Face {
  const best = cluster[0] as Face;
  if (cluster.length === 1) return best;
  let total = 0;
  let x1 = 0;
  let y1 = 0;
  let x2 = 0;
  let y2 = 0;
  const kx = new Array<number>(best.keypoints.length).fill(0);
  const ky = new Array<number>(best.keypoints.length).fill(0);
  for (const f of cluster) {
    const w = f.score;
    total += w;
    x1 += w * f.box.x;
    y1 += w * f.box.y;
    x2 += w * (f.box.x + f.box.width);
    y2 += w * (f.box.y + f.box.height);
    f.keypoints.forEach((p, k) => {
      kx[k] = (kx[k] ?? 0) + w * p.x;
      ky[k] = (ky[k] ?? 0) + w * p.y;
    });
  }
  const keypoints: Point[] = kx.map((x, k) => ({ x: x / total, y: (ky[k] ?? 0) / total }));
  const box = { x: x1 / total, y: y1 / total, width: (x2 - x1) / total, height: (y2 - y1) / total };
  return { box, score: best.score, keypoints };
}

/** Clusters `faces` by overlap with the best remaining one and blends each cluster. */
export function weightedNms(faces: readonly Face[], options: WeightedNmsOptions): Face[] {
  let remaining = [...faces].sort((a, b) => b.score - a.score);
  const out: Face[] = [];
  while (remaining.length > 0 && out.length < options.maxFaces) {
    const best = remaining[0] as Face;
    const cluster: Face[] = [];
    const rest: Face[] = [];
    for (const f of remaining) {
      if (f === best || boxIou(best.box, f.box) > options.iouThreshold) cluster.push(f);
      else rest.push(f);
    }
    out.push(blend(cluster));
    remaining = rest;
  }
  return out;
}
