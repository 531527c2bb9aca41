-- The long-lived table: one Parquet partition per month of sales per store and SKU, laid out Hive-style,
-- s3://{{destination_bucket}}/{{destination_prefix}}year=YYYY/month=MM/, and found by partition projection.
-- The builder reads where a month lives from this table (locally from this file, DST_TABLE_DDL; on AWS from
-- Glue), so the CTAS template needs nothing about the layout.
CREATE EXTERNAL TABLE `{{database}}`.`{{destination_table}}` (
  store STRING,
  currency STRING,
  sku STRING,
  product STRING,
  orders BIGINT,
  order_lines BIGINT,
  units BIGINT,
  revenue DECIMAL(18,2),
  first_order_time TIMESTAMP,
  last_order_time TIMESTAMP
)
PARTITIONED BY (year STRING, month STRING)
STORED AS PARQUET
LOCATION 's3://{{destination_bucket}}/{{destination_prefix}}'
TBLPROPERTIES (
  'parquet.compression' = 'SNAPPY',
  'projection.enabled' = 'true',
  'projection.year.type' = 'integer',
  'projection.year.range' = '2020,2099',
  'projection.month.type' = 'integer',
  'projection.month.range' = '1,12',
  'projection.month.digits' = '2',
  'storage.location.template' = 's3://{{destination_bucket}}/{{destination_prefix}}year=${year}/month=${month}/'
)
