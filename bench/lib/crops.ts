/**
 * Real aligned face crops for model benches and the int8-vs-fp32 comparison: the sample video
 * through the SDK's own pieces (fromFile -> detectFaces -> alignFaces), so the crops are what
 * a pipeline would feed the model, not random tensors.
 *
 * @example
 * const crops = await realCrops(model.card, 64); // 64 Float32Array CHW crops, one per frame
 */
import { lastValueFrom, mergeMap, take, toArray } from 'rxjs';
import { alignFaces } from '../../src/operators/alignFaces.js';
import { detectFaces } from '../../src/operators/detectFaces.js';
import { fromFile } from '../../src/sources/fromFile.js';
import type { ModelCard } from '../../src/types/model.js';
import { SAMPLE } from './clips.js';

/** The first `count` face crops of `video` (default: the sample; looped files give more). */
export async function realCrops(card: ModelCard, count: number, video = SAMPLE): Promise<Float32Array[]> {
  const crops = await lastValueFrom(
    fromFile(video).pipe(
      detectFaces(),
      alignFaces(card),
      mergeMap((aligned) => aligned.faces.map((f) => f.crop)),
      take(count),
      toArray(),
    ),
  );
  if (crops.length === 0) throw new Error(`no face found in ${video}`);
  // A short video gives fewer crops than asked: repeat them (speed does not depend on pixels).
  return Array.from({ length: count }, (_, i) => crops[i % crops.length] as Float32Array);
}
