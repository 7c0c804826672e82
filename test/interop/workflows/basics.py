"""Python tasks with typed inputs and outputs, a launch plan with defaults, fixed inputs and a schedule."""
import datetime
import typing
from dataclasses import dataclass

from flytekit import CronSchedule, LaunchPlan, task, workflow


@dataclass
class Point:
    x: int
    y: int


@task
def add(a: int, b: int) -> int:
    print(f"adding {a} and {b}")
    return a + b


@task
def greet(name: str, times: int) -> str:
    return " ".join([f"hello {name}"] * times)


@task
def summarize(values: typing.List[int], weights: typing.Dict[str, float]) -> typing.Dict[str, float]:
    return {"total": float(sum(values)), "weight": sum(weights.values())}


@task
def shift(p: Point, by: int) -> Point:
    return Point(x=p.x + by, y=p.y + by)


@task
def next_day(when: datetime.datetime) -> datetime.datetime:
    return when + datetime.timedelta(days=1)


@workflow
def typed_wf(
    a: int = 3,
    b: int = 4,
    name: str = "flyte",
    values: typing.List[int] = [1, 2, 3],
    weights: typing.Dict[str, float] = {"w": 0.5},
    p: Point = Point(x=1, y=2),
    when: datetime.datetime = datetime.datetime(2024, 1, 1),
) -> typing.Tuple[int, str, typing.Dict[str, float], Point, datetime.datetime]:
    total = add(a=a, b=b)
    return (
        total,
        greet(name=name, times=total),
        summarize(values=values, weights=weights),
        shift(p=p, by=total),
        next_day(when=when),
    )


@workflow
def sum_wf(a: int, b: int) -> int:
    return add(a=a, b=b)


sum_lp = LaunchPlan.get_or_create(
    sum_wf,
    name="sum_lp",
    default_inputs={"a": 10},
    fixed_inputs={"b": 5},
    schedule=CronSchedule(schedule="0 * * * *"),
)
