"""What the job runner keeps: a record of every run, and one lease per running job (tables of the core app)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from kamgraph.db.models import NodeModel


class JobRun(NodeModel):
    """One run of a scheduled job: who ran it, when, and how it ended."""

    read_permission = "jobs.read"

    id = fields.BigIntField(primary_key=True)
    job = fields.CharField(max_length=100, db_index=True)
    trigger = fields.CharField(max_length=20)  # schedule or manual
    status = fields.CharField(max_length=12)  # running, succeeded, failed, abandoned
    holder = fields.CharField(max_length=200)  # host and process that ran it
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)
    summary = fields.TextField(null=True)  # JSON: what the job reported it did
    error = fields.TextField(null=True)

    class Meta:
        app = "core"
        table = "job_run"


class JobLock(Model):
    """The lease of a running job: a job runs only where it holds this row, and a lease left by a crashed runner expires."""

    job = fields.CharField(max_length=100, primary_key=True)
    holder = fields.CharField(max_length=200)
    run_id = fields.BigIntField(null=True)
    expires_at = fields.DatetimeField()

    class Meta:
        app = "core"
        table = "job_lock"
