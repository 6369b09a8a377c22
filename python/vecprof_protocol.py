"""The JSON-lines channel between a vecprof helper and the TypeScript side.

Messages go to file descriptor 3 (the parent opens it as a pipe) so a profiled
script keeps its own stdout and stderr. Every message carries the protocol
version; the first one a helper sends is "hello".
"""
import json
import os
import sys

PROTOCOL_VERSION = 1
_CHANNEL_FD = int(os.environ.get("VECPROF_CHANNEL_FD", "3"))

try:
    _channel = os.fdopen(_CHANNEL_FD, "w", buffering=1, encoding="utf-8", closefd=False)
except OSError:  # run by hand, without the parent's pipe: fall back to stdout
    _channel = sys.stdout


def emit(kind, **fields):
    fields["v"] = PROTOCOL_VERSION
    fields["type"] = kind
    _channel.write(json.dumps(fields, separators=(",", ":"), allow_nan=False) + "\n")
    _channel.flush()


def hello(helper, **fields):
    numpy_version = None
    try:
        import numpy

        numpy_version = numpy.__version__
    except ImportError:
        pass
    emit(
        "hello",
        helper=helper,
        python=".".join(str(p) for p in sys.version_info[:3]),
        implementation=sys.implementation.name,
        executable=sys.executable,
        numpy=numpy_version,
        **fields,
    )
