/** Probabilities of logits, element-wise, into a new array. */
export function sigmoid(logits: Float32Array): Float32Array {
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = 1 / (1 + Math.exp(-(logits[i] as number)));
  return out;
}
