-- CTAS template: one month of daily CSV order lines (sales_daily.sql) summed per store, currency and SKU into
-- one Parquet partition of sales_monthly.sql. The CSV columns are text: cast them here.
-- The month is its days, dt from the 1st up to the next month's 1st, so no other day's file is read.
CREATE TABLE "{{database}}"."{{temp_table}}"
WITH (
  format = 'PARQUET',
  write_compression = 'SNAPPY',
  external_location = '{{location}}'
) AS
SELECT
  store,
  currency,
  sku,
  max(product) AS product,
  count(DISTINCT order_id) AS orders,
  count(*) AS order_lines,
  sum(CAST(quantity AS bigint)) AS units,
  CAST(sum(CAST(quantity AS bigint) * CAST(unit_price AS decimal(12,2))) AS decimal(18,2)) AS revenue,
  min(CAST(order_time AS timestamp)) AS first_order_time,
  max(CAST(order_time AS timestamp)) AS last_order_time
FROM "{{database}}"."{{source_table}}"
WHERE dt >= '{{year}}-{{month}}-01' AND dt < '{{next_year}}-{{next_month}}-01'
GROUP BY store, currency, sku
