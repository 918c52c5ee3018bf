import { fileURLToPath } from 'node:url';

/**
 * The embedded AUFormer: a real but UNTRAINED tiny model (models/README.md), so the SDK runs
 * with nothing to download. Its outputs mean nothing; pass your own trained model for real use.
 */
export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../../models/auformer-tiny.onnx', import.meta.url));
