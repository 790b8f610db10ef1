"""Preparing items ahead in a background thread: order kept, memory bounded, errors named, thread stopped."""

from __future__ import annotations

import itertools
import threading

import pytest

from textmine.scale.overlap import prepared_ahead


def _threads_left() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "textmine-prepare-ahead"]


def test_results_come_in_input_order_while_the_next_item_is_prepared() -> None:
    second_started = threading.Event()

    def prepare(item: int) -> int:
        if item == 1:
            second_started.set()
        return item * item

    got = []
    with prepared_ahead(range(6), prepare) as results:
        for value in results:
            if value == 0:  # item 1 is prepared while item 0 is still being consumed
                assert second_started.wait(timeout=10)
            got.append(value)
    assert got == [i * i for i in range(6)] and not _threads_left()


def test_at_most_in_flight_items_are_held_at_once() -> None:
    lock, held, most = threading.Lock(), [0], [0]

    def prepare(item: int) -> int:
        with lock:
            held[0] += 1
            most[0] = max(most[0], held[0])
        return item

    pulled = []
    with prepared_ahead((pulled.append(i) or i for i in range(20)), prepare, in_flight=2) as results:
        for item in results:
            assert len(pulled) <= item + 2  # never reads more than one item past the one in hand
            with lock:
                held[0] -= 1
    assert most[0] == 2 and pulled == list(range(20))


def test_an_error_in_the_thread_is_raised_in_the_caller_naming_the_item() -> None:
    def prepare(item: int) -> int:
        if item == 3:
            raise KeyError("bad cell")
        return item

    got = []
    with pytest.raises(KeyError, match="bad cell") as raised:
        with prepared_ahead(range(10), prepare, name=lambda i: f"chunk {i}") as results:
            got.extend(results)
    assert got == [0, 1, 2]
    assert raised.value.__notes__ == ["(in the background thread, preparing chunk 3)"]
    assert not _threads_left()


def test_leaving_early_stops_the_thread() -> None:
    pulled = []
    with prepared_ahead((pulled.append(i) or i for i in itertools.count()), lambda i: i) as results:
        for item in results:
            if item == 2:
                break
    assert not _threads_left() and len(pulled) <= 4


def test_in_flight_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        with prepared_ahead([1], lambda i: i, in_flight=0):
            pass
