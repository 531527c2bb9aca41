-- The bundled long-lived table without projection: each month is a Glue partition, which every build
-- points at a location of its own, <prefix>year=2024/month=03/build-<time>-<id>/ (README, Your table).
-- Run: ./partition-builder run --month 2024-03 --destination-ddl examples/layouts/glue_partitions.sql --warehouse local/warehouse-glue
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
  'parquet.compression' = 'SNAPPY'
)
