-- CTAS template: one month of raw CloudTrail (cloudtrail_raw.sql or cloudtrail_raw_regions.sql) into the
-- same monthly Parquet table as the bundled template writes (ddl/cloudtrail_monthly.sql).
-- CloudTrail files a record under the day it delivered it, so the month's last events partly sit in the
-- next month's first day: read the month's days and a lookback of two days of the next month, and keep
-- the rows whose own time is in the month (README, "The CTAS template", Late events).
CREATE TABLE "{{database}}"."{{temp_table}}"
WITH (
  format = 'PARQUET',
  write_compression = 'SNAPPY',
  external_location = '{{location}}',
  bucketed_by = ARRAY['event_id'],
  bucket_count = 4
) AS
SELECT
  eventid AS event_id,
  requestid AS request_id,
  CAST(from_iso8601_timestamp(eventtime) AS timestamp) AS event_time,
  eventsource AS event_source,
  eventname AS event_name,
  awsregion AS aws_region,
  sourceipaddress AS source_ip_address,
  recipientaccountid AS recipient_account_id,
  json_format(CAST(useridentity AS JSON)) AS user_identity,
  useridentity.invokedby AS invoked_by,
  useridentity.principalid AS principal_id,
  json_format(CAST(resources AS JSON)) AS resources
FROM "{{database}}"."{{source_table}}"
WHERE "timestamp" BETWEEN '{{year}}/{{month}}/01' AND '{{next_year}}/{{next_month}}/02'
  AND from_iso8601_timestamp(eventtime) >= from_iso8601_timestamp('{{year}}-{{month}}-01T00:00:00Z')
  AND from_iso8601_timestamp(eventtime) < from_iso8601_timestamp('{{next_year}}-{{next_month}}-01T00:00:00Z')
