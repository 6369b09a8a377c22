"""Resident-memory growth per line, for what the NumPy handler cannot see (Python objects).

A thread reads the process's resident size (/proc/self/statm, Linux) every few milliseconds. Growth that NumPy buffer
allocations do not explain is charged to the user line the main thread is on: lists and dicts of Python objects.
NumPy bytes allocated but not yet resident (buffers filled after allocation, np.empty/np.zeros pages written later)
are held as a credit that later growth pays down first, so filling a buffer is not mistaken for new objects. It is a
sampled estimate (the thread sees the line only when it gets the GIL, and a page freed and reused is not growth), so it
is reported apart from the traced bytes. Elsewhere than Linux it stays silent.
"""
import os
import sys
import threading

STATM = "/proc/self/statm"


class RssWatch:
    def __init__(self, ledger, interval=0.005):
        self.ledger = ledger
        self.interval = interval
        self.growth = {}  # line key -> bytes of resident growth not explained by NumPy buffers
        self.peak = 0
        self.peak_line = None
        self._stop = threading.Event()
        self._thread = None
        self._page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

    def available(self):
        return os.path.exists(STATM)

    def resident(self):
        with open(STATM, "rb") as f:
            return int(f.read().split()[1]) * self._page

    def start(self):
        if not self.available():
            return
        # Read now, in the main thread: the watch thread may first run only after the program's first allocations.
        self._start = (self.resident(), self.ledger.current)
        self._thread = threading.Thread(target=self._run, name="vecprof-rss-watch", daemon=True)
        self._thread.start()

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(0.5)

    def _run(self):
        main_id = threading.main_thread().ident
        frames_of = sys._current_frames
        last_rss, last_numpy = self._start
        # NumPy bytes allocated but not yet resident (np.ones fills after allocating, np.zeros/np.empty pages arrive
        # when written): the resident growth that follows pays this down before anything is charged to a line.
        untouched = 0
        ledger, in_flight = self.ledger, self.ledger.in_flight
        while not self._stop.wait(self.interval):
            # Reading the resident size lets the main thread run; a NumPy free or realloc caught half-way (ledger
            # updated, pages not yet returned) would charge the freed bytes to whatever line comes next.
            numpy_now, busy = ledger.current, in_flight[0]
            rss = self.resident()
            if busy or in_flight[0] or ledger.current != numpy_now:
                continue
            unexplained = (rss - last_rss) - (numpy_now - last_numpy)
            if unexplained < 0:
                untouched -= unexplained
                unexplained = 0
            else:
                paid = min(untouched, unexplained)
                untouched -= paid
                unexplained -= paid
            if unexplained > 0 or rss > self.peak:
                frame = frames_of().get(main_id)
                key = self.ledger.where(frame) if frame is not None else None
                if key is not None:
                    if unexplained > 0:
                        self.growth[key] = self.growth.get(key, 0) + unexplained
                    if rss > self.peak:
                        self.peak, self.peak_line = rss, key
            last_rss, last_numpy = rss, numpy_now
