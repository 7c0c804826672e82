"""A workflow whose failure handler receives the error, and an eager workflow calling tasks back through the plane."""
import typing

from flytekit import eager, task, workflow
from flytekit.types.error import FlyteError


@task
def explode(x: int) -> int:
    if x > 5:
        raise ValueError(f"cannot handle {x}")
    return x


@task
def clean_up(x: int, err: typing.Optional[FlyteError] = None) -> None:
    print(f"clean_up saw: {err.message.strip().splitlines()[-1].strip() if err else 'no error'}")


@workflow(on_failure=clean_up)
def failing_wf(x: int = 7) -> int:
    return explode(x=x)


@task
def add_one(x: int) -> int:
    return x + 1


@task
def times_ten(x: int) -> int:
    return x * 10


@eager
async def eager_wf(x: int = 4) -> int:
    out = add_one(x=x)
    return times_ten(x=out)
