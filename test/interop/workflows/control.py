"""A raw container task, a conditional branch, a subworkflow and a map over a list."""
import typing

from flytekit import ContainerTask, conditional, kwtypes, map_task, task, workflow

echo = ContainerTask(
    name="echo_shell",
    image="alpine:3.19",
    input_data_dir="/var/inputs",
    output_data_dir="/var/outputs",
    inputs=kwtypes(word=str),
    command=["sh", "-c", "echo container says {{.inputs.word}}"],
)


@task
def square(x: int) -> int:
    return x * x


@task
def double(x: int) -> int:
    return 2 * x


@task
def total(xs: typing.List[int]) -> int:
    return sum(xs)


@workflow
def branch_wf(x: int) -> int:
    return conditional("big").if_(x > 10).then(double(x=x)).else_().then(square(x=x))


@workflow
def inner_wf(x: int) -> int:
    return square(x=x)


@workflow
def outer_wf(x: int = 3) -> int:
    return double(x=inner_wf(x=x))


@workflow
def map_wf(xs: typing.List[int] = [1, 2, 3, 4]) -> int:
    return total(xs=map_task(square)(x=xs))


@workflow
def container_wf(word: str = "hi") -> None:
    echo(word=word)
