"""Hooks: WordPress's filters and actions, priorities, sync and async callbacks, one per app."""

from __future__ import annotations

import asyncio

import pytest

from bridge.hooks import Hooks


async def test_filters_run_by_priority_then_registration_order() -> None:
    hooks = Hooks()
    hooks.add_filter("f", lambda v: v + ["b10"])
    hooks.add_filter("f", lambda v: v + ["a5"], priority=5)
    hooks.add_filter("f", lambda v: v + ["c10"])
    hooks.add_filter("f", lambda v: v + ["d20"], priority=20)
    assert await hooks.apply_filters("f", []) == ["a5", "b10", "c10", "d20"]


async def test_no_callbacks_returns_the_value_unchanged() -> None:
    value = object()
    assert await Hooks().apply_filters("nothing", value, 1, 2) is value


async def test_sync_and_async_callbacks_mix() -> None:
    hooks = Hooks()

    async def slow_double(v: int) -> int:
        await asyncio.sleep(0)
        return v * 2

    hooks.add_filter("n", lambda v: v + 1)
    hooks.add_filter("n", slow_double)
    hooks.add_filter("n", lambda v: v - 3, priority=11)
    assert await hooks.apply_filters("n", 4) == 7


async def test_extra_args_reach_callbacks_that_accept_them() -> None:
    hooks = Hooks()
    seen: list[tuple] = []

    def one(value: str) -> str:
        return value + "1"

    def three(value: str, a: int, b: int) -> str:
        seen.append((a, b))
        return value + "3"

    def star(value: str, *rest: int) -> str:
        seen.append(rest)
        return value + "*"

    hooks.add_filter("x", one)
    hooks.add_filter("x", three)
    hooks.add_filter("x", star)
    assert await hooks.apply_filters("x", "", 7, 8, 9) == "13*"
    assert seen == [(7, 8), (7, 8, 9)]


async def test_accepted_args_limits_like_wordpress() -> None:
    hooks = Hooks()
    hooks.add_filter("x", lambda *args: len(args), accepted_args=2)
    assert await hooks.apply_filters("x", 0, "a", "b", "c") == 2


async def test_remove_filter_all_or_at_one_priority() -> None:
    hooks = Hooks()

    def add(v: int) -> int:
        return v + 1

    hooks.add_filter("r", add, 5)
    hooks.add_filter("r", add, 10)
    assert await hooks.apply_filters("r", 0) == 2
    assert hooks.remove_filter("r", add, 5)
    assert await hooks.apply_filters("r", 0) == 1
    assert hooks.remove_filter("r", add)
    assert not hooks.has_filter("r")
    assert not hooks.remove_filter("r", add)
    assert await hooks.apply_filters("r", 0) == 0


async def test_actions_run_in_order_with_args_and_return_nothing() -> None:
    hooks = Hooks()
    log: list[str] = []

    async def later(name: str, n: int) -> None:
        log.append(f"async {name} {n}")

    hooks.add_action("created", lambda name, n: log.append(f"sync {name} {n}"), 20)
    hooks.add_action("created", later)
    assert await hooks.do_action("created", "customer", 3) is None
    assert log == ["async customer 3", "sync customer 3"]
    assert hooks.has_action("created")
    assert hooks.remove_action("created", later)
    await hooks.do_action("created", "branch", 4)
    assert log[-1] == "sync branch 4"


async def test_decorators_register_filters_and_actions() -> None:
    hooks = Hooks()

    @hooks.filter("title", priority=1)
    def upper(value: str) -> str:
        return value.upper()

    fired: list[int] = []

    @hooks.action("ping")
    async def pong(n: int) -> None:
        fired.append(n)

    assert await hooks.apply_filters("title", "pt maju") == "PT MAJU"
    await hooks.do_action("ping", 5)
    assert fired == [5]


async def test_a_callback_may_change_the_chain_while_it_runs() -> None:
    hooks = Hooks()

    def first(v: list) -> list:
        hooks.add_filter("c", lambda w: w + ["added later"])
        return v + ["first"]

    hooks.add_filter("c", first)
    assert await hooks.apply_filters("c", []) == ["first"]
    assert await hooks.apply_filters("c", []) == ["first", "added later"]


async def test_callback_errors_propagate() -> None:
    hooks = Hooks()

    def broken(v: int) -> int:
        raise ValueError("boom")

    hooks.add_filter("e", broken)
    with pytest.raises(ValueError, match="boom"):
        await hooks.apply_filters("e", 1)


async def test_instances_are_independent() -> None:
    one, two = Hooks(), Hooks()
    one.add_filter("f", lambda v: v + 1)
    assert await one.apply_filters("f", 0) == 1
    assert await two.apply_filters("f", 0) == 0


def test_whether_a_chain_is_fixed_follows_each_callback_added_or_removed() -> None:
    """``pipeline.fixed_chain`` is kept while the hooks stay as they are: a callback a plugin adds after the
    answer was kept (even from inside a request) makes the chain not fixed at once, and its removal
    makes it fixed again, so no memo keeps serving a plan that skips a plugin's WHERE."""
    from bridge.pipeline import fixed_chain

    hooks = Hooks()
    chain = "wpapp_customer_statistics_where"
    assert fixed_chain(hooks, chain)
    assert fixed_chain(hooks, chain)  # asked again: the kept answer

    def by_request(where: list[object], *args: object) -> list[object]:
        return where

    hooks.add_filter(chain, by_request, 20)
    assert not fixed_chain(hooks, chain)
    hooks.remove_filter(chain, by_request, 20)
    assert fixed_chain(hooks, chain)
    hooks.add_filter("wp_customer_should_bypass_filter", by_request)  # a chain the access filters ask
    assert not fixed_chain(hooks, chain)
