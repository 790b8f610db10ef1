"""Prepare items one ahead in a background thread while the caller consumes the previous one.

A bounded producer/consumer: the thread pulls an item, prepares it and queues the result; at most
``in_flight`` items are held at once (being prepared, queued or being consumed), so memory stays
bounded. Results arrive in input order. An error in the thread (any ``BaseException``) is raised in the
consumer's thread, with a note naming the item. Leaving the context stops the thread and waits for it
(an item it is preparing is finished first). Worth it when preparing releases the GIL (ONNX Runtime).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")
_END = object()


@dataclass(frozen=True)
class _Failed:
    error: BaseException
    where: str


@dataclass
class _Producer(Generic[T, R]):
    items: Iterable[T]
    prepare: Callable[[T], R]
    name: Callable[[T], str]
    slots: threading.Semaphore
    results: queue.SimpleQueue
    stop: threading.Event

    def __call__(self) -> None:
        where = "reading the first item"
        try:
            items = iter(self.items)
            while True:
                self.slots.acquire()
                if self.stop.is_set():
                    return
                item = next(items, _END)
                if item is _END:
                    break
                where = f"preparing {self.name(item)}"
                self.results.put(self.prepare(item))
                where = f"reading the item after {self.name(item)}"
            self.results.put(_END)
        except BaseException as error:
            self.results.put(_Failed(error, where))


def _consume(results: queue.SimpleQueue, slots: threading.Semaphore) -> Iterator[R]:
    while True:
        got = results.get()
        if got is _END:
            return
        if isinstance(got, _Failed):
            got.error.add_note(f"(in the background thread, {got.where})")
            raise got.error
        yield got
        slots.release()  # the caller asks for the next item: it is done with this one


@contextmanager
def prepared_ahead(items: Iterable[T], prepare: Callable[[T], R], name: Callable[[T], str] = str,
                   in_flight: int = 2) -> Iterator[Iterator[R]]:
    """``prepare(item)`` for each of ``items``, computed in a background thread at most ``in_flight``
    items ahead (counting the one being consumed); yields an iterator of the results in order."""
    if in_flight < 1:
        raise ValueError(f"in_flight must be at least 1, got {in_flight}")
    slots, results, stop = threading.Semaphore(in_flight), queue.SimpleQueue(), threading.Event()
    thread = threading.Thread(target=_Producer(items, prepare, name, slots, results, stop),
                              name="textmine-prepare-ahead", daemon=True)
    thread.start()
    try:
        yield _consume(results, slots)
    finally:
        stop.set()
        slots.release()  # wakes the thread if it waits for a slot
        thread.join()
