-- Trino (Athena engine v3) functions as DuckDB macros, installed by TrinoDialect.install().
--
-- Every macro is named trino_<trino name> so that none of them hides a DuckDB built-in of the same
-- name but another behaviour; TrinoDialect.translate() renames the calls. Each one follows Trino's
-- documented behaviour (https://trino.io/docs/current/functions.html) and, where the docs are
-- silent, Trino's source; the differences that remain are listed in TrinoDialect's javadoc.
-- Macros are TEMP: they live as long as the connection and never end up in a database file.
-- Statements end with a semicolon; semicolons in literals and comments do not count.

-- ---------------------------------------------------------------------------------------------
-- Date and time. The session time zone is UTC (install() sets it), as on Athena.
-- ---------------------------------------------------------------------------------------------

-- The ISO 8601 shapes Joda's ISODateTimeFormat.dateTimeParser() accepts and Trino relies on:
-- yyyy[-MM[-dd]] [T HH[:mm[:ss[.fraction]]] [Z | +HH | +HHmm | +HH:mm]].
CREATE OR REPLACE TEMP MACRO trino_iso8601_regex() AS
  '^([+-]?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$';

-- Rebuilds the parts as DuckDB's 'YYYY-MM-DD HH:MM:SS.fff+HH:MM'. The fraction is cut to
-- milliseconds (Trino returns timestamp(3) with time zone); no offset means UTC.
CREATE OR REPLACE TEMP MACRO trino_iso8601_text(p) AS
  p.y || '-' || coalesce(nullif(p.mo, ''), '01') || '-' || coalesce(nullif(p.d, ''), '01')
  || ' ' || coalesce(nullif(p.h, ''), '00') || ':' || coalesce(nullif(p.mi, ''), '00')
  || ':' || coalesce(nullif(p.s, ''), '00') || '.' || rpad(left(p.f, 3), 3, '0')
  || CASE
       WHEN p.z IN ('', 'Z') THEN '+00:00'
       WHEN length(p.z) = 3 THEN p.z || ':00'
       WHEN length(p.z) = 5 THEN left(p.z, 3) || ':' || right(p.z, 2)
       ELSE p.z
     END;

-- The common UTC form (CloudTrail's eventTime) is cast directly: the same instant, 20x faster.
CREATE OR REPLACE TEMP MACRO trino_from_iso8601_timestamp(s) AS
  CASE
    WHEN s IS NULL THEN NULL
    WHEN regexp_full_match(s, '\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z') THEN CAST(s AS TIMESTAMPTZ)
    WHEN NOT regexp_full_match(s, trino_iso8601_regex())
      THEN error('Invalid format: "' || s || '" is not an ISO 8601 timestamp')
    ELSE CAST(trino_iso8601_text(
      regexp_extract(s, trino_iso8601_regex(), ['y', 'mo', 'd', 'h', 'mi', 's', 'f', 'z'])) AS TIMESTAMPTZ)
  END;

-- Calendar dates (yyyy[-MM[-dd]]), ordinal dates (yyyy-DDD) and week dates (yyyy-Www[-D]).
CREATE OR REPLACE TEMP MACRO trino_from_iso8601_date(s) AS
  CASE
    WHEN s IS NULL THEN NULL
    WHEN regexp_full_match(s, '\d{4}(-\d{2}(-\d{2})?)?')
      THEN CAST(left(s || '-01-01', 10) AS DATE)
    WHEN regexp_full_match(s, '\d{4}-\d{3}')
      THEN CAST(make_date(CAST(left(s, 4) AS INTEGER), 1, 1) + (CAST(right(s, 3) AS INTEGER) - 1) AS DATE)
    WHEN regexp_full_match(s, '\d{4}-W\d{2}(-[1-7])?')
      THEN CAST(strptime(left(s, 8) || '-' || coalesce(nullif(substr(s, 10, 1), ''), '1'), '%G-W%V-%u') AS DATE)
    ELSE error('Invalid format: "' || s || '" is not an ISO 8601 date')
  END;

-- Trino prints the precision of the value's type; DuckDB has no such precision, so timestamps are
-- printed as timestamp(3), the precision of every timestamp these functions return.
CREATE OR REPLACE TEMP MACRO trino_to_iso8601(x DATE) AS strftime(x, '%Y-%m-%d'),
  (x TIMESTAMP) AS strftime(x, '%Y-%m-%dT%H:%M:%S.%g'),
  (x TIMESTAMPTZ) AS strftime(timezone('UTC', x), '%Y-%m-%dT%H:%M:%S.%g') || 'Z';

-- Trino: packDateTimeWithZone(Math.round(unixtime * 1000), zone); Math.round rounds halves up.
CREATE OR REPLACE TEMP MACRO trino_unixtime_instant(t) AS
  make_timestamptz(CAST(floor(CAST(t AS DOUBLE) * 1000 + 0.5) AS BIGINT) * 1000);

CREATE OR REPLACE TEMP MACRO trino_from_unixtime(t) AS trino_unixtime_instant(t),
  (t, zone) AS CASE WHEN zone IS NOT NULL THEN trino_unixtime_instant(t) END,
  (t, h, m) AS CASE WHEN h IS NOT NULL AND m IS NOT NULL THEN trino_unixtime_instant(t) END;

CREATE OR REPLACE TEMP MACRO trino_to_unixtime(x TIMESTAMP) AS epoch_us(x) * 1.0 / 1000000,
  (x TIMESTAMPTZ) AS epoch_us(x) * 1.0 / 1000000;

-- The units Trino accepts, in lower case (Trino lower-cases the unit argument).
CREATE OR REPLACE TEMP MACRO trino_date_unit(u) AS
  CASE
    WHEN lower(u) IN ('day', 'week', 'month', 'quarter', 'year') THEN lower(u)
    ELSE error('''' || u || ''' is not a valid DATE field')
  END;

CREATE OR REPLACE TEMP MACRO trino_timestamp_unit(u) AS
  CASE
    WHEN lower(u) IN ('millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year')
      THEN lower(u)
    ELSE error('''' || u || ''' is not a valid Timestamp field')
  END;

CREATE OR REPLACE TEMP MACRO trino_interval(u, v) AS
  CASE u
    WHEN 'millisecond' THEN to_milliseconds(v)
    WHEN 'second' THEN to_seconds(v)
    WHEN 'minute' THEN to_minutes(v)
    WHEN 'hour' THEN to_hours(v)
    WHEN 'day' THEN to_days(v)
    WHEN 'week' THEN to_days(v * 7)
    WHEN 'month' THEN to_months(v)
    WHEN 'quarter' THEN to_months(v * 3)
    WHEN 'year' THEN to_years(v)
  END;

-- Month arithmetic clamps to the last day of the month, as Joda does: 2012-10-31 + 1 month = 2012-11-30.
CREATE OR REPLACE TEMP MACRO trino_date_add(u, v, x DATE) AS
    CAST(x + trino_interval(trino_date_unit(u), CAST(v AS BIGINT)) AS DATE),
  (u, v, x TIMESTAMP) AS x + trino_interval(trino_timestamp_unit(u), CAST(v AS BIGINT)),
  (u, v, x TIMESTAMPTZ) AS timezone('UTC', timezone('UTC', x) + trino_interval(trino_timestamp_unit(u), CAST(v AS BIGINT)));

-- Trino counts whole units elapsed (Joda's getDifferenceAsLong), not boundaries crossed:
-- 2024-01-01 23:00 to 2024-01-02 01:00 is 0 days. DuckDB's date_sub counts the same way, whereas
-- its date_diff counts boundaries. Trino works in milliseconds, hence the truncation.
-- A timestamp with time zone is compared in UTC, its zone on Athena and here; DuckDB's ICU variant
-- of date_sub counts a month short for some month ends when b < a.
CREATE OR REPLACE TEMP MACRO trino_timestamp_diff(u, a, b) AS
  date_sub(trino_timestamp_unit(u), date_trunc('millisecond', a), date_trunc('millisecond', b));

CREATE OR REPLACE TEMP MACRO trino_date_diff(u, a DATE, b DATE) AS date_sub(trino_date_unit(u), a, b),
  (u, a TIMESTAMP, b TIMESTAMP) AS trino_timestamp_diff(u, a, b),
  (u, a TIMESTAMPTZ, b TIMESTAMPTZ) AS trino_timestamp_diff(u, timezone('UTC', a), timezone('UTC', b));

-- DuckDB's date_trunc returns a DATE for a TIMESTAMP truncated to a day or more; Trino keeps the type.
CREATE OR REPLACE TEMP MACRO trino_date_trunc(u, x DATE) AS CAST(date_trunc(trino_date_unit(u), x) AS DATE),
  (u, x TIMESTAMP) AS CAST(date_trunc(trino_timestamp_unit(u), x) AS TIMESTAMP),
  (u, x TIMESTAMPTZ) AS timezone('UTC', CAST(date_trunc(trino_timestamp_unit(u), timezone('UTC', x)) AS TIMESTAMP));

-- MySQL-style format specifiers (Trino's date_format/date_parse) as strftime/strptime ones.
-- Supported: %a %b %c %d %e %f %H %h %I %i %j %k %l %M %m %p %r %S %s %T %v %W %x %Y %y %%,
-- and %<other> for a literal <other>, as in Trino. Trino rejects %D %U %u %V %w %X; translate()
-- reports them, and here they become an invalid strftime specifier so that DuckDB fails too.
-- DuckDB needs a constant format: the conversion folds when the format is a literal.
CREATE OR REPLACE TEMP MACRO trino_mysql_tokens(f) AS regexp_extract_all(f, '(?s)%.|%$|[^%]+');

CREATE OR REPLACE TEMP MACRO trino_mysql_specifier(t, parsing) AS
  CASE t
    WHEN '%a' THEN '%a'
    WHEN '%b' THEN '%b'
    WHEN '%c' THEN '%-m'
    WHEN '%d' THEN '%d'
    WHEN '%e' THEN '%-d'
    WHEN '%f' THEN CASE WHEN parsing THEN '%n' ELSE '%f' END
    WHEN '%H' THEN '%H'
    WHEN '%h' THEN '%I'
    WHEN '%I' THEN '%I'
    WHEN '%i' THEN '%M'
    WHEN '%j' THEN '%j'
    WHEN '%k' THEN '%-H'
    WHEN '%l' THEN '%-I'
    WHEN '%M' THEN '%B'
    WHEN '%m' THEN '%m'
    WHEN '%p' THEN '%p'
    WHEN '%r' THEN '%I:%M:%S %p'
    WHEN '%S' THEN '%S'
    WHEN '%s' THEN '%S'
    WHEN '%T' THEN '%H:%M:%S'
    WHEN '%v' THEN '%V'
    WHEN '%x' THEN '%G'
    WHEN '%W' THEN '%A'
    WHEN '%Y' THEN '%Y'
    WHEN '%y' THEN '%y'
    WHEN '%%' THEN '%%'
    WHEN '%' THEN ''
    ELSE CASE
      WHEN t IN ('%D', '%U', '%u', '%V', '%w', '%X') THEN '%<not supported in date format string: ' || t || '>'
      WHEN left(t, 1) = '%' THEN substr(t, 2)
      ELSE t
    END
  END;

CREATE OR REPLACE TEMP MACRO trino_mysql_format(f, parsing) AS
  array_to_string(list_transform(trino_mysql_tokens(f), lambda t: trino_mysql_specifier(t, parsing)), '');

-- Trino prints milliseconds (and the zone of a timestamp with time zone, here always UTC). DuckDB
-- binds a macro with typed overloads when it is created, so this one relies on the session zone.
CREATE OR REPLACE TEMP MACRO trino_date_format(x, f) AS
  strftime(date_trunc('millisecond', x), trino_mysql_format(f, false));

-- Joda fills fields the format lacks from 1970-01-01 00:00:00, strptime from 1900-01-01: a format
-- without a year gets one. Joda reads %y with pivot 2020 (70..99 -> 19xx, 00..69 -> 20xx) and
-- strptime reads 69 as 1969, the only year where they disagree.
CREATE OR REPLACE TEMP MACRO trino_date_parsed(parsed, f) AS
  CAST(date_trunc('millisecond',
    CASE
      WHEN list_contains(trino_mysql_tokens(f), '%y') AND year(parsed) = 1969 THEN parsed + INTERVAL 100 YEAR
      ELSE parsed
    END) AS TIMESTAMP);

CREATE OR REPLACE TEMP MACRO trino_date_parse(s, f) AS
  CASE
    WHEN s IS NULL OR f IS NULL THEN NULL
    WHEN list_has_any(trino_mysql_tokens(f), ['%Y', '%y', '%x'])
      THEN trino_date_parsed(strptime(s, trino_mysql_format(f, true)), f)
    ELSE trino_date_parsed(strptime('1970 ' || s, '%Y ' || trino_mysql_format(f, true)), f)
  END;

-- ---------------------------------------------------------------------------------------------
-- JSON
-- ---------------------------------------------------------------------------------------------

-- CAST(x AS JSON): translate() rewrites the cast to this. A VARCHAR becomes a JSON string, as in
-- Trino (DuckDB's own cast would parse it); a ROW becomes an object with its field names.
CREATE OR REPLACE TEMP MACRO trino_cast_json(x) AS to_json(x);

-- json_parse validates and compacts. Trino also sorts object keys (JsonTypeUtil.jsonParse); a
-- macro cannot recurse, and nesting one macro per level makes DuckDB's binding time double per
-- level, so the input's key order is kept (a documented difference).
CREATE OR REPLACE TEMP MACRO trino_json_parse(s) AS json(s);

CREATE OR REPLACE TEMP MACRO trino_json_format(j) AS CAST(json(j) AS VARCHAR);

-- Trino's JSONPath subset ($, .key, [key], ["key"], [index]) as a JSON pointer, which has the same
-- rule: a step is an array index when the value is an array and a key when it is an object.
CREATE OR REPLACE TEMP MACRO trino_json_path_steps(p) AS
  regexp_extract_all(p, '\.[\p{L}\p{Nd}_:]+|\[[\p{L}\p{Nd}_]+\]|\["(?:[^"\\]|\\["\\])*"\]');

CREATE OR REPLACE TEMP MACRO trino_json_path_key(t) AS
  CASE
    WHEN left(t, 1) = '.' THEN substr(t, 2)
    WHEN left(t, 2) = '["' THEN regexp_replace(substr(t, 3, length(t) - 4), '\\(["\\])', '\1', 'g')
    ELSE substr(t, 2, length(t) - 2)
  END;

CREATE OR REPLACE TEMP MACRO trino_json_pointer(p) AS
  CASE
    WHEN left(p, 1) <> '$' OR '$' || array_to_string(trino_json_path_steps(p), '') <> p
      THEN error('Invalid JSON path: ''' || p || '''')
    ELSE array_to_string(list_transform(trino_json_path_steps(p),
      lambda t: '/' || replace(replace(trino_json_path_key(t), '~', '~0'), '/', '~1')), '')
  END;

-- Trino returns NULL for text that is not JSON instead of failing.
CREATE OR REPLACE TEMP MACRO trino_json_extract(j, p) AS
  CASE WHEN json_valid(j) THEN json_extract(j, trino_json_pointer(p)) END;

CREATE OR REPLACE TEMP MACRO trino_json_extract_scalar(j, p) AS
  CASE
    WHEN NOT json_valid(j) THEN NULL
    WHEN json_type(j, trino_json_pointer(p)) IN ('OBJECT', 'ARRAY') THEN NULL
    ELSE json_extract_string(j, trino_json_pointer(p))
  END;

-- Trino returns NULL, not 0, for JSON that is not an array.
CREATE OR REPLACE TEMP MACRO trino_json_array_length(j) AS
  CASE WHEN json_valid(j) AND json_type(j) = 'ARRAY' THEN json_array_length(j) END;

-- ---------------------------------------------------------------------------------------------
-- Arrays and maps
-- ---------------------------------------------------------------------------------------------

-- 1-based, negative from the end, out of range NULL; a missing map key is NULL.
CREATE OR REPLACE TEMP MACRO trino_element_at(c, k) AS
  CASE
    WHEN c IS NULL OR k IS NULL THEN NULL
    WHEN regexp_matches(typeof(c), '\[\d*\]$') AND CAST(k AS VARCHAR) = '0'
      THEN error('SQL array indices start at 1')
    ELSE c[k]
  END;

-- DuckDB has no size function for both lists and maps, and a macro cannot dispatch on "any list"
-- or "any map"; the JSON form of either tells its size.
CREATE OR REPLACE TEMP MACRO trino_cardinality(c) AS
  CASE json_type(to_json(c))
    WHEN 'ARRAY' THEN CAST(json_array_length(to_json(c)) AS BIGINT)
    WHEN 'OBJECT' THEN len(json_keys(to_json(c)))
  END;

-- Null elements are left out, or replaced when a replacement is given.
CREATE OR REPLACE TEMP MACRO trino_array_join(a, d) AS
    CASE WHEN d IS NULL THEN NULL ELSE array_to_string(a, d) END,
  (a, d, r) AS
    CASE
      WHEN d IS NULL OR r IS NULL THEN NULL
      ELSE array_to_string(list_transform(a, lambda e: coalesce(CAST(e AS VARCHAR), r)), d)
    END;

-- concat is NULL when any argument is NULL in Trino; DuckDB's skips NULLs. Works for arrays too.
CREATE OR REPLACE TEMP MACRO trino_concat(a, b) AS a || b,
  (a, b, c) AS a || b || c,
  (a, b, c, d) AS a || b || c || d,
  (a, b, c, d, e) AS a || b || c || d || e,
  (a, b, c, d, e, f) AS a || b || c || d || e || f,
  (a, b, c, d, e, f, g) AS a || b || c || d || e || f || g,
  (a, b, c, d, e, f, g, h) AS a || b || c || d || e || f || g || h;

-- ---------------------------------------------------------------------------------------------
-- Strings and regular expressions (DuckDB's RE2 instead of Trino's Java-like syntax; translate()
-- rejects literal patterns that RE2 cannot run)
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE TEMP MACRO trino_regexp_like(s, p) AS regexp_matches(s, p);

-- NULL when nothing matches (DuckDB's regexp_extract returns '').
CREATE OR REPLACE TEMP MACRO trino_regexp_extract(s, p) AS
    CASE WHEN regexp_matches(s, p) THEN regexp_extract(s, p, 0) END,
  (s, p, g) AS
    CASE
      WHEN g < 0 THEN error('Group cannot be negative')
      WHEN regexp_matches(s, p) THEN regexp_extract(s, p, g)
    END;

CREATE OR REPLACE TEMP MACRO trino_regexp_extract_all(s, p) AS regexp_extract_all(s, p, 0),
  (s, p, g) AS CASE WHEN g < 0 THEN error('Group cannot be negative') ELSE regexp_extract_all(s, p, g) END;

-- Trino's replacement syntax ($g, \x for a literal x) as RE2's (\g, \\ for a backslash).
CREATE OR REPLACE TEMP MACRO trino_regexp_rewrite(r) AS
  array_to_string(list_transform(regexp_extract_all(r, '(?s)\$[0-9]|\$\{[^}]*\}?|\$.?|\\.?|[^$\\]+'),
    lambda t: CASE
      WHEN regexp_full_match(t, '\$[0-9]') THEN '\' || substr(t, 2)
      WHEN left(t, 2) = '${' THEN error('not supported locally: named group ' || t || ' in a regexp_replace replacement')
      WHEN left(t, 1) = '$' OR t = '\' THEN error('Illegal replacement sequence: ' || r)
      WHEN t = '\\' THEN '\\'
      WHEN left(t, 1) = '\' THEN substr(t, 2)
      ELSE t
    END), '');

-- Trino replaces every match.
CREATE OR REPLACE TEMP MACRO trino_regexp_replace(s, p) AS regexp_replace(s, p, '', 'g'),
  (s, p, r) AS regexp_replace(s, p, trino_regexp_rewrite(r), 'g');

CREATE OR REPLACE TEMP MACRO trino_regexp_count(s, p) AS len(regexp_extract_all(s, p, 0));

-- split keeps the empty string as one element and rejects an empty delimiter; with a limit, the
-- last element holds the rest of the string.
CREATE OR REPLACE TEMP MACRO trino_split_all(s, d) AS
  CASE
    WHEN d = '' THEN error('The delimiter may not be the empty string')
    WHEN s = '' THEN ['']
    ELSE string_split(s, d)
  END;

CREATE OR REPLACE TEMP MACRO trino_split(s, d) AS trino_split_all(s, d),
  (s, d, n) AS
    CASE
      WHEN n <= 0 THEN error('Limit must be positive')
      WHEN len(trino_split_all(s, d)) <= n THEN trino_split_all(s, d)
      ELSE trino_split_all(s, d)[1:n - 1] || [array_to_string(trino_split_all(s, d)[n:], d)]
    END;

-- NULL, not '', when the index is past the last field.
CREATE OR REPLACE TEMP MACRO trino_split_part(s, d, i) AS
  CASE
    WHEN i <= 0 THEN error('Index must be greater than zero')
    WHEN d = '' THEN CASE WHEN i <= length(s) THEN substr(s, i, 1) END
    ELSE trino_split_all(s, d)[i]
  END;

-- The n-th (overlapping) occurrence, counted from the end when n is negative; 0 when absent.
CREATE OR REPLACE TEMP MACRO trino_strpos_all(s, t) AS
  list_filter(range(1, length(s) - length(t) + 2), lambda i: substr(s, i, length(t)) = t);

CREATE OR REPLACE TEMP MACRO trino_strpos(s, t) AS strpos(s, t),
  (s, t, n) AS
    CASE
      WHEN s IS NULL OR t IS NULL OR n IS NULL THEN NULL
      WHEN n = 0 THEN error('''instance'' must be a positive or negative number.')
      WHEN t = '' THEN 1
      WHEN n > 0 THEN coalesce(trino_strpos_all(s, t)[n], 0)
      ELSE coalesce(list_reverse(trino_strpos_all(s, t))[-n], 0)
    END;

-- [protocol:][//host[:port]][path][?query][#fragment]: the host, or NULL without an authority.
CREATE OR REPLACE TEMP MACRO trino_url_extract_host(u) AS
  nullif(regexp_extract(u, '^[A-Za-z][A-Za-z0-9+.\-]*://(?:[^/?#@]*@)?(\[[^\]/?#]*\]|[^:/?#]*)', 1), '');

-- format(): translate() turns each Java conversion into one of these. A NULL argument prints
-- "null", as java.util.Formatter does.
CREATE OR REPLACE TEMP MACRO trino_format_string(spec, x) AS printf(spec, coalesce(CAST(x AS VARCHAR), 'null'));

CREATE OR REPLACE TEMP MACRO trino_format_value(spec, null_spec, x) AS
  CASE WHEN x IS NULL THEN printf(null_spec, 'null') ELSE printf(spec, x) END;

CREATE OR REPLACE TEMP MACRO trino_format_boolean(spec, x) AS
  printf(spec, CASE WHEN x IS NULL THEN 'false' WHEN typeof(x) = 'BOOLEAN' THEN CAST(x AS VARCHAR) ELSE 'true' END);

-- ---------------------------------------------------------------------------------------------
-- Aggregates
-- ---------------------------------------------------------------------------------------------

-- Exact locally: Trino's HyperLogLog estimate has a standard error of 2.3%, so Athena's answer can
-- differ from this one by a few percent.
CREATE OR REPLACE TEMP MACRO trino_approx_distinct(x) AS count(DISTINCT x),
  (x, e) AS count(DISTINCT x);
