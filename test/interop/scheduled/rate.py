"""A launch plan on a one-minute fixed rate (the test shortens the plane's minute)."""
from datetime import timedelta

from flytekit import FixedRate, LaunchPlan, task, workflow


@task
def tick(x: int) -> int:
    return x + 1


@workflow
def tick_wf(x: int = 41) -> int:
    return tick(x=x)


every_tick = LaunchPlan.get_or_create(
    workflow=tick_wf,
    name="scheduled_fixed_rate",
    schedule=FixedRate(duration=timedelta(minutes=1)),
)
