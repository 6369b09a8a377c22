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


def externally_managed():
    """PEP 668: the distribution owns this interpreter's packages (Debian/Ubuntu, Homebrew, ...), so
    `python -m pip install` refuses with externally-managed-environment. A venv made from it is not affected."""
    in_venv = sys.prefix != getattr(sys, "base_prefix", sys.prefix)
    stdlib = sysconfig.get_path("stdlib")
    return not in_venv and bool(stdlib) and os.path.isfile(os.path.join(stdlib, "EXTERNALLY-MANAGED"))


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
    externally_managed=externally_managed(),
)
