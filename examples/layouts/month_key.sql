-- The bundled long-lived table on one date key: March 2024 is <prefix>dt=2024-03/.
-- Run: ./partition-builder run --month 2024-03 --destination-ddl examples/layouts/month_key.sql --warehouse local/warehouse-month-key
CREATE EXTERNAL TABLE `{{database}}`.`{{destination_table}}` (
  event_id STRING,
  request_id STRING,
  event_time TIMESTAMP,
  event_source STRING,
  event_name STRING,
  aws_region STRING,
  source_ip_address STRING,
  recipient_account_id STRING,
  user_identity STRING,
  invoked_by STRING,
  principal_id STRING,
  resources STRING
)
PARTITIONED BY (dt STRING)
STORED AS PARQUET
LOCATION 's3://{{destination_bucket}}/{{destination_prefix}}'
TBLPROPERTIES (
  'parquet.compression' = 'SNAPPY',
  'projection.enabled' = 'true',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM',
  'projection.dt.range' = '2013-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'MONTHS',
  'storage.location.template' = 's3://{{destination_bucket}}/{{destination_prefix}}dt=${dt}/'
)
