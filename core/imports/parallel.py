"""Validating on two cores: the second half of a list of independent pieces of work (a ledger's
families, once grouped) done by a forked copy of this process while this one does the first.

A fork, not a pool: the child starts with everything the parent has read and looked up
(the file's rows, the villages, the memos) without copying or pickling any of it; only its
result comes back, pickled through a pipe. The child must not use the database: it shares
the parent's connection, so a query from it is refused before anything reaches the socket,
and it leaves with os._exit, which closes nothing the parent still uses.
"""

import os
import pickle
import signal
import traceback
from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import connections


class ChildFailed(RuntimeError):
    """The forked half failed; its traceback is the message."""


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def should_split(size: int) -> bool:
    """Whether work of this size is split: from IMPORT_PARALLEL_FROM rows, on a machine with two
    cores or more, where processes can fork."""
    return hasattr(os, "fork") and cores() >= 2 and size >= settings.IMPORT_PARALLEL_FROM


def in_halves(items: Sequence, work: Callable, *, split: bool, release=None) -> list:
    """[work(first half, main=True), work(second half, main=False)], the second half in a forked
    child; [work(items, main=True)] when not split. The child's result must pickle.

    `release(half)`, if given, is called in each process on the half it does not work on, as
    soon as it has forked: what each lets go of is then held once, not twice (Python's
    reference counts write to every object a process touches, so memory a fork shares soon
    stops being shared)."""
    if not split or len(items) < 2:
        return [work(items, main=True)]
    middle = len(items) // 2
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        try:
            _refuse_queries()
            if release is not None:
                release(items[:middle])
            outcome = ("done", work(items[middle:], main=False))
        except BaseException:  # whatever it was, the parent is told
            outcome = ("failed", traceback.format_exc())
        try:
            with os.fdopen(write_end, "wb") as pipe:
                pickle.dump(outcome, pipe, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        try:
            if release is not None:
                release(items[middle:])
            first = work(items[:middle], main=True)
            try:
                status, second = pickle.load(pipe)
            except EOFError:  # killed, out of memory say
                status, second = "failed", "The process validating the second half died."
        except BaseException:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise
    os.waitpid(pid, 0)
    if status != "done":
        raise ChildFailed(second)
    return [first, second]


def _refuse_queries() -> None:
    def refuse(*_args):
        raise RuntimeError("The forked validating process must not use the database.")

    for connection in connections.all(initialized_only=True):
        connection.execute_wrappers.append(refuse)
