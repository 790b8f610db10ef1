"""One piece of work (a model load) on a thread of its own, waited for where its result is first needed."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def in_background(thread_name: str, work: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
    """Start ``work(*args, **kwargs)`` on a new thread named ``thread_name``; its future holds the result or the
    error."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=thread_name)
    future = pool.submit(work, *args, **kwargs)
    pool.shutdown(wait=False)  # its one thread ends with the work
    return future
