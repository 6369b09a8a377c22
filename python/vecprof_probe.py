"""Report what this interpreter is: version, NumPy, where its scripts live, and whether pip can install into it."""
import importlib.util
import os
import sys
import sysconfig

from vecprof_protocol import emit, hello


def has_module(name):
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


hello("probe")
emit(
    "probe",
    prefix=sys.prefix,
    base_prefix=getattr(sys, "base_prefix", sys.prefix),
    scripts_dir=sysconfig.get_path("scripts"),
    platform=sys.platform,
    pid=os.getpid(),
    # a venv made with --without-pip has neither pip nor, on some distributions, ensurepip
    pip=has_module("pip"),
    ensurepip=has_module("ensurepip"),
)
