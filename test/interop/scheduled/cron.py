"""A launch plan on a cron schedule that fires every minute, its kickoff time bound to an input."""
import datetime

from flytekit import CronSchedule, LaunchPlan, task, workflow


@task
def stamp(t: datetime.datetime) -> str:
    # flytekit's datetimes are UTC; say so in the text even if one comes without a zone.
    return (t if t.tzinfo else t.replace(tzinfo=datetime.timezone.utc)).isoformat()


@workflow
def kickoff_wf(t: datetime.datetime) -> str:
    return stamp(t=t)


every_minute = LaunchPlan.get_or_create(
    workflow=kickoff_wf,
    name="scheduled_every_minute",
    schedule=CronSchedule(schedule="* * * * *", kickoff_time_input_arg="t"),
)
