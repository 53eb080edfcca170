"""porch's spam engine: a pure library from a Submission (and site history) to a Verdict."""

from .core import Engine, default_model_path
from .model import Model, ModelError
from .submission import Submission
from .verdict import Signal, Verdict

__all__ = ["Engine", "Model", "ModelError", "Signal", "Submission", "Verdict", "default_model_path"]
