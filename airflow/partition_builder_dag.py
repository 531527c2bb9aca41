"""Rebuild last month's Athena partition from Airflow, through the partition-builder Lambda.

The DAG does not build anything itself: it sends the Lambda's trigger message,
``{"month": M, "year": YYYY}``, to the Lambda's SQS queue, exactly as
``./partition-builder enqueue`` and ``aws sqs send-message`` do. So a month is built by one
implementation (the Lambda) whether the schedule, a backfill or Airflow asks for it.

Setup: an Airflow Variable ``partition_builder_queue_url`` holding the queue URL, and AWS
credentials for boto3 on the workers with ``sqs:SendMessage`` on that queue.

Which month: the run that fires at 01:00 UTC on the 1st builds the month that just ended,
the month of the day before ``data_interval_end``. That is the same rule as the Lambda's for
a scheduled event, and it gives the same month on Airflow 2 (the interval is the month before
the run, ``data_interval_end`` is the run's time) and on Airflow 3 (cron schedules trigger at
the run's time with an empty interval, ``data_interval_end`` = ``logical_date``). The
``logical_date``/``data_interval_start`` would name the previous month on Airflow 2.
"""

import json
import re
from datetime import timedelta

import boto3
import pendulum
from airflow.decorators import dag, task
from airflow.models import Variable

QUEUE_URL_VARIABLE = "partition_builder_queue_url"
# https://sqs.<region>.amazonaws.com/<account>/<name>: the region the queue lives in.
QUEUE_REGION = re.compile(r"^https://sqs\.([a-z0-9-]+)\.amazonaws\.com/")


def month_to_build(data_interval_end):
    """(year, month) of the day before the end of the run's data interval, in UTC."""
    day_before = pendulum.instance(data_interval_end).in_timezone("UTC") - timedelta(days=1)
    return day_before.year, day_before.month


def message_body(year, month):
    """The body the Lambda's TriggerParser reads: JSON integers, never strings."""
    return json.dumps({"month": month, "year": year})


@dag(
    dag_id="partition_builder_monthly",
    schedule="0 1 1 * *",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["athena", "partition-builder"],
    doc_md=__doc__,
)
def partition_builder_monthly():
    @task(retries=2, retry_delay=timedelta(minutes=5))
    def send_trigger(data_interval_end=None, run_id=None):
        queue_url = Variable.get(QUEUE_URL_VARIABLE)
        year, month = month_to_build(data_interval_end)
        label = "%04d-%02d" % (year, month)
        match = QUEUE_REGION.match(queue_url)
        sqs = boto3.client("sqs", region_name=match.group(1) if match else None)
        request = {"QueueUrl": queue_url, "MessageBody": message_body(year, month)}
        if queue_url.endswith(".fifo"):
            # As the CLI does: one group per month, so two builds of a month never overlap, and a
            # deduplication id per run, so a retried task is dropped but a new run is not.
            request["MessageGroupId"] = label
            request["MessageDeduplicationId"] = re.sub(r"[^A-Za-z0-9_-]", "_", "%s-%s" % (label, run_id))[:128]
        response = sqs.send_message(**request)
        print("sent %s to %s: messageId %s" % (label, queue_url, response["MessageId"]))
        return response["MessageId"]

    send_trigger()


partition_builder_monthly()
