# SPDX-License-Identifier: AGPL-3.0-or-later
"""The render workers: the processes where templates are rendered and typst compiles, with hard limits.

A template is code written by an organisation's staff; a bad one (by mistake or not) must not stop the server.
So `rendering` never runs Jinja or typst in the web or task process: it sends each job to a worker process of
this pool and waits for the answer.

- One pool per process (gunicorn worker, `coopforma db_worker`, a management command, a pytest-xdist worker),
  created on first use and again after a fork; `DOCUMENTS_RENDER_WORKERS` workers at most (started when needed),
  one job at a time each; a caller waits for a free worker.
- A worker is a fresh interpreter (`render_worker.py`, started with `python -I`) that imports typst, Jinja and
  PDFium once and keeps its typst compiler and its parsed templates between jobs (a document costs what it cost
  in-process, plus ~0.3 ms of exchange). It receives the job's context as plain data (`rendering.plain`).
- Per job: the wall time (`DOCUMENTS_RENDER_TIMEOUT`) is enforced here: past it the worker is killed. On Linux
  (where `resource` exists) the worker also sets its CPU time (`DOCUMENTS_RENDER_CPU_SECONDS`: the kernel kills it
  past that) and its address space (`DOCUMENTS_RENDER_MEMORY_MB`: Python raises MemoryError, Rust aborts); it may
  open no file descriptor (so no socket: typst cannot fetch a package) and writes no core file. Elsewhere only
  the wall time applies.
- A worker that timed out, ran out of memory or crashed is discarded and the next job starts a new one; a worker
  is also replaced after `DOCUMENTS_RENDER_JOBS_PER_WORKER` jobs (bounding slow memory growth).
- Answers are framed bytes with a JSON header (never unpickled here: the worker runs the templates).
"""

import atexit
import json
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

WORKER_SCRIPT = Path(__file__).with_name("render_worker.py")
PROJECT_DIR = Path(__file__).resolve().parents[2]  # where `coopforma` is importable from
START_TIMEOUT = 60  # seconds for a new worker to import typst, Jinja and PDFium and lay out a first page
_HEADER = struct.Struct(">I")
MAX_HEADER = 1 << 20
MAX_ANSWER = 1 << 30
_CAN_SELECT = os.name == "posix"  # select() works on pipes on Linux and macOS, not on Windows


def _setting(name: str, default: int) -> int:
    # Django is imported here, not at the top: the workers import this module (through `rendering`) and start
    # faster without it.
    from django.conf import settings

    return int(getattr(settings, name, default))


def limits() -> dict[str, int]:
    """The limits of one job, from the settings (read per job, so a test can lower them)."""
    return {
        "timeout": _setting("DOCUMENTS_RENDER_TIMEOUT", 10),
        "cpu": _setting("DOCUMENTS_RENDER_CPU_SECONDS", 10),
        "memory_mb": _setting("DOCUMENTS_RENDER_MEMORY_MB", 1024),
        "pages": _setting("DOCUMENTS_MAX_PAGES", 500),
    }


class _Dead(Exception):
    """The worker is gone (killed on time, crashed, out of memory)."""


class Worker:
    """One worker process and its pipes."""

    def __init__(self, extra_env: dict[str, str] | None = None) -> None:
        from coopforma.documents import rendering

        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "HOME": rendering.empty_dir(),
            "MALLOC_ARENA_MAX": "2",  # glibc reserves 64 MB of address space per arena otherwise
            "PYTHONDONTWRITEBYTECODE": "1",
            rendering.EMPTY_DIR_VARIABLE: rendering.empty_dir(),
            **(extra_env or {}),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-I", str(WORKER_SCRIPT), str(PROJECT_DIR)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
            env=env,
            cwd=rendering.empty_dir(),
        )
        self.jobs = 0
        self.expired = False
        try:
            header, _blobs = self._exchange(None, START_TIMEOUT)
        except _Dead:
            self.close()
            raise RuntimeError("the render worker did not start (see its error output)") from None
        if not header.get("ready"):
            self.close()
            raise RuntimeError("the render worker did not start")

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def _expire(self) -> None:
        self.expired = True
        self.process.kill()

    def _read(self, size: int, deadline: float) -> bytes:
        """`size` bytes from the worker, or _Dead: the worker is gone, or it is killed at `deadline`."""
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        chunks: list[bytes] = []
        missing = size
        while missing:
            if _CAN_SELECT:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                    self._expire()
                    raise _Dead
            chunk = os.read(fd, min(missing, 1 << 20))
            if not chunk:
                raise _Dead
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def _exchange(self, request: dict[str, Any] | None, timeout: float) -> tuple[dict[str, Any], list[bytes]]:
        """Send `request` (None: wait for the worker's greeting) and read the answer, killing the worker past
        `timeout` seconds (select() on the pipe; where pipes cannot be selected, Windows, a timer thread)."""
        deadline = time.monotonic() + timeout
        timer = None
        if not _CAN_SELECT:  # pragma: no cover
            timer = threading.Timer(timeout, self._expire)
            timer.daemon = True
            timer.start()
        try:
            if request is not None:
                assert self.process.stdin is not None
                payload = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
                data = memoryview(_HEADER.pack(len(payload)) + payload)
                while data:  # an unbuffered pipe may take part of it at a time
                    data = data[os.write(self.process.stdin.fileno(), data) :]
            (length,) = _HEADER.unpack(self._read(_HEADER.size, deadline))
            if length > MAX_HEADER:
                raise _Dead
            header = json.loads(self._read(length, deadline))
            sizes = [int(size) for size in header.get("sizes", [])]
            if sum(sizes) > MAX_ANSWER:
                raise _Dead
            return header, [self._read(size, deadline) for size in sizes]
        except (OSError, ValueError, struct.error) as exc:
            raise _Dead from exc
        finally:
            if timer is not None:  # pragma: no cover
                timer.cancel()

    def run(self, request: dict[str, Any], timeout: float) -> tuple[dict[str, Any], list[bytes]]:
        self.jobs += 1
        return self._exchange(request, timeout)

    def close(self) -> None:
        """Stop the worker (it also stops by itself when its standard input closes) and reap it."""
        for stream in (self.process.stdin, self.process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


class RenderPool:
    """At most `size` workers, started when needed, one job at a time each."""

    def __init__(self, size: int, extra_env: dict[str, str] | None = None) -> None:
        self.size = max(1, size)
        self.extra_env = extra_env
        self._idle: list[Worker] = []
        self._count = 0
        self._closed = False
        self._condition = threading.Condition()

    def _acquire(self) -> Worker:
        with self._condition:
            while True:
                while self._idle:
                    worker = self._idle.pop()
                    if worker.alive():
                        return worker
                    worker.close()  # died while idle (killed by hand, by the system): replaced below
                    self._count -= 1
                if self._count < self.size:
                    self._count += 1
                    break
                self._condition.wait()
        try:
            return Worker(self.extra_env)
        except BaseException:
            with self._condition:
                self._count -= 1
                self._condition.notify()
            raise

    def _release(self, worker: Worker, keep: bool) -> None:
        if not keep or self._closed:
            worker.close()
        with self._condition:
            if keep and not self._closed:
                self._idle.append(worker)
            else:
                self._count -= 1
            self._condition.notify()

    def workers(self) -> list[Worker]:
        """The idle workers (for tests and diagnostics)."""
        with self._condition:
            return list(self._idle)

    def run(self, request: dict[str, Any]) -> tuple[dict[str, Any], list[bytes]]:
        """Run one job; raises rendering.TemplateProblem with a French message when it fails."""
        from coopforma.documents.rendering import TemplateProblem

        job_limits = limits()
        request = {**request, "limits": job_limits}
        worker = self._acquire()
        keep = False
        try:
            try:
                header, blobs = worker.run(request, job_limits["timeout"])
            except _Dead:
                raise self._failure(worker, job_limits) from None
            if header.get("ok"):
                keep = worker.jobs < _setting("DOCUMENTS_RENDER_JOBS_PER_WORKER", 1000)
                return header, blobs
            reason = header.get("reason")
            if reason == "problem":
                keep = worker.jobs < _setting("DOCUMENTS_RENDER_JOBS_PER_WORKER", 1000)
                raise TemplateProblem(header.get("message") or "", header.get("line"), header.get("keyword"))
            if reason == "memory":
                raise TemplateProblem(_memory_message(job_limits))
            raise TemplateProblem(_crash_message())
        finally:
            self._release(worker, keep)

    @staticmethod
    def _failure(worker: Worker, job_limits: dict[str, int]) -> Exception:
        from coopforma.documents.rendering import TemplateProblem

        worker.close()
        code = worker.process.returncode
        if worker.expired or code == -getattr(signal, "SIGXCPU", -1000):
            return TemplateProblem(_time_message(job_limits))
        if code == -signal.SIGABRT:  # Rust aborts when an allocation fails (the address-space limit)
            return TemplateProblem(_memory_message(job_limits))
        return TemplateProblem(_crash_message())

    def close(self) -> None:
        with self._condition:
            self._closed = True
            idle, self._idle = self._idle, []
            self._count -= len(idle)
        for worker in idle:
            worker.close()


def _time_message(job_limits: dict[str, int]) -> str:
    from django.utils.translation import gettext as _

    return _("le modèle met trop de temps à produire le document (limite : %(seconds)s s)") % {
        "seconds": min(job_limits["timeout"], job_limits["cpu"])
    }


def _crash_message() -> str:
    from django.utils.translation import gettext as _

    return _("le moteur de mise en page s'est arrêté sur ce modèle (il demande sans doute trop de mémoire)")


def _memory_message(job_limits: dict[str, int]) -> str:
    from django.utils.translation import gettext as _

    return _("le modèle demande trop de mémoire pour produire le document (limite : %(mb)s Mo)") % {
        "mb": job_limits["memory_mb"]
    }


_pool: RenderPool | None = None
_pool_pid = 0
_inherited: list[RenderPool] = []  # a parent's pool, after a fork: its workers are the parent's, left alone
_pool_lock = threading.Lock()


def pool() -> RenderPool:
    """This process's pool (a forked child, e.g. a gunicorn worker, makes its own: pipes are not shared)."""
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():
            if _pool is None:
                atexit.register(_close_pool)
            else:
                _inherited.append(_pool)
            _pool = RenderPool(_setting("DOCUMENTS_RENDER_WORKERS", 2))
            _pool_pid = os.getpid()
        return _pool


def _close_pool() -> None:
    if _pool is not None and _pool_pid == os.getpid():
        _pool.close()


def run_markup(source: str, context: dict[str, Any]) -> str:
    _header, blobs = pool().run({"op": "markup", "source": source, "context": context})
    return blobs[0].decode("utf-8")


def run_pdf(markup: str, *, inputs: dict[str, str], tagged: bool, max_pages: int | None, standard: str = "") -> bytes:
    request = {
        "op": "pdf",
        "markup": markup,
        "inputs": inputs,
        "tagged": tagged,
        "max_pages": max_pages,
        "standard": standard,
    }
    _header, blobs = pool().run(request)
    return blobs[0]


def run_png(markup: str, *, inputs: dict[str, str], ppi: float, first: int | None) -> tuple[list[bytes], int]:
    header, blobs = pool().run({"op": "png", "markup": markup, "inputs": inputs, "ppi": ppi, "first": first})
    return blobs, int(header["pages"])
