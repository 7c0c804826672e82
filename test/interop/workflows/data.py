"""Files, directories and dataframes passed between tasks through the plane's blob store."""
import os
import typing

import pandas as pd
from flytekit import current_context, task, workflow
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile


@task
def write_file(text: str) -> FlyteFile:
    path = os.path.join(current_context().working_directory, "greeting.txt")
    with open(path, "w") as f:
        f.write(text)
    return FlyteFile(path)


@task
def read_file(f: FlyteFile) -> str:
    with open(f) as fh:
        return fh.read().upper()


@task
def write_dir(n: int) -> FlyteDirectory:
    path = os.path.join(current_context().working_directory, "parts")
    os.makedirs(path, exist_ok=True)
    for i in range(n):
        with open(os.path.join(path, f"part-{i}.txt"), "w") as f:
            f.write(str(i * 10))
    return FlyteDirectory(path)


@task
def read_dir(d: FlyteDirectory) -> typing.List[str]:
    d.download()
    return [f"{name}={open(os.path.join(d.path, name)).read()}" for name in sorted(os.listdir(d.path))]


@task
def make_frame(n: int) -> pd.DataFrame:
    return pd.DataFrame({"name": [f"row{i}" for i in range(n)], "value": [i * i for i in range(n)]})


@task
def total_value(df: pd.DataFrame) -> int:
    return int(df["value"].sum())


@workflow
def data_wf(text: str = "hello files", n: int = 4) -> typing.Tuple[str, typing.List[str], int, FlyteFile, pd.DataFrame]:
    f = write_file(text=text)
    df = make_frame(n=n)
    return read_file(f=f), read_dir(d=write_dir(n=n)), total_value(df=df), f, df


@task
def big_text(mb: int) -> str:
    return "flyte " * (mb * 1024 * 1024 // 6 + 1)


@task
def text_size(s: str) -> int:
    return len(s)


@workflow
def offload_wf(mb: int = 11) -> typing.Tuple[int, str]:
    s = big_text(mb=mb)
    return text_size(s=s), s
