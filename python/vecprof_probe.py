"""Report what this interpreter is: version, NumPy, where its scripts live."""
import os
import sys
import sysconfig

from vecprof_protocol import emit, hello

hello("probe")
emit(
    "probe",
    prefix=sys.prefix,
    base_prefix=getattr(sys, "base_prefix", sys.prefix),
    scripts_dir=sysconfig.get_path("scripts"),
    platform=sys.platform,
    pid=os.getpid(),
)
