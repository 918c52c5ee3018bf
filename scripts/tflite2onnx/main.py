"""tflite2onnx: converts one MediaPipe TFLite model to ONNX and writes its model card.

Usage: /usr/bin/python3 scripts/tflite2onnx/main.py IN.tflite OUT.onnx --name N --package P \
         --package-sha256 S --source-file F
"""
import argparse

from card import add_card_args, card
from convert import Converter
from tflite_model import read_tflite


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("tflite")
    ap.add_argument("onnx")
    ap.add_argument("--input-layout", choices=["nhwc", "nchw"], default="nhwc",
                    help="layout of the ONNX input (the TFLite one is NHWC)")
    add_card_args(ap)
    args = ap.parse_args()
    buf = open(args.tflite, "rb").read()
    meta = card(args.name, args.package, args.package_sha256, args.source_file, buf)
    meta["input_layout"] = args.input_layout
    model = Converter(read_tflite(buf)).run(args.name, meta, args.input_layout)
    with open(args.onnx, "wb") as f:
        f.write(model.SerializeToString())


if __name__ == "__main__":
    main()
