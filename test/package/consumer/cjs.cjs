// CommonJS user: require() loads the ESM build through Node's require(esm) (Node >= 20.19).
const assert = require('node:assert/strict');
const sdk = require('auformer-stream');
assert.equal(typeof sdk.analyze, 'function');
assert.equal(typeof sdk.AUModel.create, 'function');
assert.match(sdk.SAMPLE_VIDEO, /faces\.mp4$/);
console.log(`cjs: require('auformer-stream') gives ${Object.keys(sdk).length} exports`);
