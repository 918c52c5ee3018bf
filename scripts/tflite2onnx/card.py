"""The model card written beside every converted MediaPipe file (ONNX metadata_props or the
JSON's "card"): where the bytes came from, their licence, and that only the format changed."""
import hashlib


ONNX_CONVERSION = ("format conversion only (scripts/tflite2onnx: fp16 weights widened to fp32, "
                   "NHWC graph run as NCHW, batch dimension made dynamic; no retraining, no weight changes)")
JSON_CONVERSION = "format conversion only (protobuf to JSON by scripts/tflite2onnx; float32 values copied exactly)"


def card(name, package, package_sha256, source_file, source: bytes, conversion=ONNX_CONVERSION) -> dict:
    return {
        "name": name,
        "source_package": package,
        "source_package_sha256": package_sha256,
        "source_file": source_file,
        "source_file_sha256": hashlib.sha256(source).hexdigest(),
        "licence": "Apache-2.0",
        "copyright": "Google LLC (MediaPipe)",
        "conversion": conversion,
    }


def add_card_args(ap):
    ap.add_argument("--name", required=True, help="model name written into the card")
    ap.add_argument("--package", required=True, help="npm package@version the file came from")
    ap.add_argument("--package-sha256", required=True, help="sha256 of that package's tarball")
    ap.add_argument("--source-file", required=True, help="the file's name inside the package")
