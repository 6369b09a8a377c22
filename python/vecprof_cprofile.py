"""cpu mode: cProfile around exactly the user's program; the .prof is written however the program ends.

    python vecprof_cprofile.py --out FILE.prof (--script PATH | --module NAME) -- [ARGS...]

Sends "profile" (path, format "pstats") before the launcher's "exit". The file is written to a temp name and renamed,
so a reader never sees half of it.
"""
import cProfile
import os
import sys

import vecprof_run
from vecprof_protocol import emit


def main():
    own, target = vecprof_run.split_argv(sys.argv[1:])
    if len(own) != 2 or own[0] != "--out":
        raise SystemExit("vecprof_cprofile: usage: --out FILE (--script PATH | --module NAME) -- ARGS")
    out = own[1]
    profiler = cProfile.Profile()

    def write_profile(status):
        tmp = "%s.%d.tmp" % (out, os.getpid())
        profiler.dump_stats(tmp)
        os.replace(tmp, out)
        emit("profile", path=out, format="pstats")

    vecprof_run.on_finish(write_profile)
    vecprof_run.launch("cprofile", target, start=profiler.enable, stop=profiler.disable)


if __name__ == "__main__":
    main()
