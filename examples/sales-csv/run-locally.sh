#!/bin/sh
# Builds one month (default 2024-03) of the CSV sales example locally, from a fresh clone: runs the example's
# source DDL and CTAS template on the embedded engine over the committed sample files (examples/sales-csv/data,
# February to April 2024, read in place, never written) into local/warehouse_sales/, then queries the month
# through the destination DDL's partition projection (year=YYYY/month=MM/).
set -eu
cd "$(dirname "$0")/../.."
month=${1:-2024-03}
example=examples/sales-csv
./partition-builder run --month "$month" --config $example/sales-csv.env \
  --source-ddl $example/sales_daily.sql --source $example/data --warehouse local/warehouse_sales
year=${month%-*}
mm=${month#*-}
sql="SELECT store, currency, sum(order_lines) AS lines, sum(units) AS units, sum(revenue) AS revenue,
       min(first_order_time) AS first_order, max(last_order_time) AS last_order
FROM sales_monthly WHERE year = '$year' AND month = '$mm' GROUP BY store, currency ORDER BY store"
query="./partition-builder query --config $example/sales-csv.env --warehouse local/warehouse_sales --source-ddl $example/sales_daily.sql --source $example/data"
echo "\$ $query \"$sql\""
exec $query "$sql"
