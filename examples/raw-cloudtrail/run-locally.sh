#!/bin/sh
# Builds one month (default 2024-03) of raw CloudTrail locally, from a fresh clone: writes sample files
# as CloudTrail delivers them under local/cloudtrail_raw/ if the month has none, then runs the
# example's source DDL and CTAS template on the embedded engine into local/warehouse_raw/.
# EVENTS sets the sample's size (default 100000).
set -eu
cd "$(dirname "$0")/../.."
month=${1:-2024-03}
root=local/cloudtrail_raw
region_dir=$root/AWSLogs/123456789012/CloudTrail/us-east-1
month_dir=$region_dir/$(echo "$month" | tr - /)
if [ -z "$(find "$month_dir" -type f -name '*.json.gz' 2>/dev/null | head -n 1)" ]; then
  ./partition-builder sample --layout raw-cloudtrail --month "$month" --events "${EVENTS:-100000}" --source "$root"
fi
exec ./partition-builder run --month "$month" --config examples/raw-cloudtrail/raw-cloudtrail.env \
  --source-ddl examples/raw-cloudtrail/cloudtrail_raw.sql --source "$region_dir" --warehouse local/warehouse_raw
