"""Typed errors; each message says what to fix."""


class AUFormerError(Exception):
    """Base class of every toolkit error."""


class CheckpointError(AUFormerError):
    """A checkpoint that cannot be read or does not match the model (keys, shapes, AU count)."""


class DataError(AUFormerError):
    """A label CSV, fold list or image that cannot be used as given."""


class TrainingError(AUFormerError):
    """Training cannot continue (e.g. a non-finite loss)."""


class ExportError(AUFormerError):
    """ONNX export failed or onnxruntime does not reproduce the PyTorch outputs."""
