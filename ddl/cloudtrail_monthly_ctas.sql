-- CTAS template: one month of daily CloudTrail NDJSON into one Parquet partition.
-- Rendered by partition-builder (see README "The CTAS template"); placeholders are {{name}}.
-- Write Athena engine v3 (Trino) SQL: double-quoted identifiers, one statement.
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
WHERE year = '{{year}}' AND month = '{{month}}'
