-- The bundled long-lived table, projected Hive-style: March 2024 is <prefix>year=2024/month=03/.
-- Run: ./partition-builder run --month 2024-03 --destination-ddl examples/layouts/hive_style.sql --warehouse local/warehouse-hive
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
PARTITIONED BY (year STRING, month STRING)
STORED AS PARQUET
LOCATION 's3://{{destination_bucket}}/{{destination_prefix}}'
TBLPROPERTIES (
  'parquet.compression' = 'SNAPPY',
  'projection.enabled' = 'true',
  'projection.year.type' = 'integer',
  'projection.year.range' = '2013,2099',
  'projection.month.type' = 'integer',
  'projection.month.range' = '1,12',
  'projection.month.digits' = '2',
  'storage.location.template' = 's3://{{destination_bucket}}/{{destination_prefix}}year=${year}/month=${month}/'
)
