-- Source table: daily CSV exports of order lines, one file a day under s3://{{source_bucket}}/{{source_prefix}}dt=YYYY-MM-DD/,
-- with a header line, read with the OpenCSV SerDe as Athena documents it ("Open CSV SerDe for processing CSV").
-- Every column is STRING: the SerDe reads text, and the CTAS template casts (sales_monthly_ctas.sql).
-- Fields holding a comma are quoted, a quote inside them doubled ("Poster ""Morning Brew"", 50x70 cm").
-- The day is a date projection, so no partition is ever added to the catalog.
-- Local mode reads the directory given as --source as this LOCATION (examples/sales-csv/data for the sample).
CREATE EXTERNAL TABLE `{{database}}`.`{{source_table}}` (
  order_id STRING,
  order_time STRING,
  store STRING,
  sku STRING,
  product STRING,
  quantity STRING,
  unit_price STRING,
  currency STRING
)
PARTITIONED BY (dt STRING)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
WITH SERDEPROPERTIES (
  'separatorChar' = ',',
  'quoteChar' = '"',
  'escapeChar' = '\\'
)
STORED AS TEXTFILE
LOCATION 's3://{{source_bucket}}/{{source_prefix}}'
TBLPROPERTIES (
  'skip.header.line.count' = '1',
  'projection.enabled' = 'true',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2024-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://{{source_bucket}}/{{source_prefix}}dt=${dt}/'
)
