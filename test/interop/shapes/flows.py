"""Workflow shapes the local executor runs as propeller would: dynamic workflows (nested, with a map
task and a sub-workflow), a launch-plan node, approval and input gates, and a wide map task."""
import typing
from datetime import timedelta

from flytekit import LaunchPlan, approve, dynamic, map_task, task, wait_for_input, workflow


@task
def square(x: int) -> int:
    return x * x


@task
def add(a: int, b: int) -> int:
    return a + b


@task
def total(xs: typing.List[int]) -> int:
    return sum(xs)


@workflow
def square_wf(x: int) -> int:
    return square(x=x)


@dynamic
def mapped_squares(n: int) -> int:
    return total(xs=map_task(square)(x=list(range(n))))


@dynamic
def fan(n: int) -> int:
    # n squares gathered into one list, a nested dynamic and a sub-workflow.
    squares = total(xs=[square(x=i) for i in range(n)])
    return add(a=add(a=squares, b=mapped_squares(n=n)), b=square_wf(x=n))


@workflow
def dynamic_wf(n: int = 3) -> int:
    return fan(n=n)


child_lp = LaunchPlan.get_or_create(workflow=square_wf, name="shapes_square_lp")


@workflow
def parent_wf(x: int = 4) -> int:
    return add(a=child_lp(x=x), b=1)


@workflow
def approve_wf(x: int = 3) -> int:
    y = square(x=x)
    approved = approve(y, "review", timeout=timedelta(minutes=10))
    return add(a=approved, b=1)


@workflow
def input_wf() -> int:
    bonus = wait_for_input("bonus", timeout=timedelta(minutes=10), expected_type=int)
    return add(a=bonus, b=2)


@task
def numbers(n: int) -> typing.List[int]:
    return list(range(n))


@workflow
def wide_map_wf(n: int = 20) -> int:
    return total(xs=map_task(square)(x=numbers(n=n)))
