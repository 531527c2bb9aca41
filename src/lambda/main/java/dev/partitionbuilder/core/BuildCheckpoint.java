package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.time.Instant;
import java.time.YearMonth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How far an unfinished build of a month got, kept next to the data at {@link TableLayout#stateKey}
 * so that the next attempt (the retried message, or any other build of the month) goes on from
 * there instead of starting over. Written only while the month's lock is held, so a plain overwrite
 * is enough; deleted when the build ends, however it ends, unless there is something left to
 * resume.
 */
final class BuildCheckpoint {
  enum Phase {
    /** The query is about to be started under {@code token}; it may or may not have been. */
    STARTING,
    /** The query {@code queryExecutionId} was started; it writes to {@code output}. */
    QUERY,
    /**
     * The query succeeded; its {@code staged} files are being copied into the partition, or (a
     * Glue-registered partition) the partition is being pointed at {@code output}.
     */
    REPLACE
  }

  /**
   * @param sql the rendered CTAS, kept so that a STARTING query can be started again under the same
   *     token (Athena returns the execution the first start made, if it made one)
   * @param staged in REPLACE: every staged key, so a later attempt knows which partition objects
   *     are new
   * @param output the key prefix the query writes to: the month's staging prefix, or the build's
   *     own location below a Glue-registered partition
   */
  record State(
      Phase phase,
      String owner,
      Instant startedAt,
      String token,
      String sql,
      String queryExecutionId,
      List<String> staged,
      OptionalLong rows,
      long bytesScanned,
      long engineMillis,
      String output) {
    State {
      requireNonNull(phase, "phase is null");
      requireNonNull(owner, "owner is null");
      requireNonNull(startedAt, "startedAt is null");
      requireNonNull(token, "token is null");
      requireNonNull(sql, "sql is null");
      staged = List.copyOf(staged);
      requireNonNull(rows, "rows is null");
      requireNonNull(output, "output is null");
      if (phase != Phase.STARTING) {
        requireNonNull(queryExecutionId, "queryExecutionId is null");
      }
    }

    static State starting(
        String owner, Instant startedAt, String token, String sql, String output) {
      return new State(
          Phase.STARTING,
          owner,
          startedAt,
          token,
          sql,
          null,
          List.of(),
          OptionalLong.empty(),
          0,
          0,
          output);
    }

    State started(String queryExecutionId) {
      return new State(
          Phase.QUERY,
          owner,
          startedAt,
          token,
          sql,
          queryExecutionId,
          List.of(),
          rows,
          0,
          0,
          output);
    }

    State replacing(List<String> staged, OptionalLong rows, long bytesScanned, long engineMillis) {
      return new State(
          Phase.REPLACE,
          owner,
          startedAt,
          token,
          sql,
          queryExecutionId,
          staged,
          rows,
          bytesScanned,
          engineMillis,
          output);
    }

    /**
     * True when this state's query is the one {@code sql} would run: the template and month are
     * unchanged.
     */
    boolean runs(String sql) {
      return this.sql.equals(sql);
    }
  }

  private final TableLayout layout;
  private final ObjectStore store;

  BuildCheckpoint(TableLayout layout, ObjectStore store) {
    this.layout = requireNonNull(layout, "layout is null");
    this.store = requireNonNull(store, "store is null");
  }

  String location(YearMonth month) {
    return layout.location(layout.stateKey(month));
  }

  Optional<State> read(YearMonth month) {
    String key = layout.stateKey(month);
    return store.read(key).map(bytes -> decode(month, bytes));
  }

  void save(YearMonth month, State state) {
    store.write(layout.stateKey(month), encode(state));
  }

  void discard(YearMonth month) {
    String key = layout.stateKey(month);
    store.deleteKeys(layout.prefix() + TableLayout.STATE, List.of(key));
  }

  static byte[] encode(State state) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("phase", state.phase().name());
    json.put("owner", state.owner());
    json.put("startedAt", state.startedAt().toString());
    json.put("token", state.token());
    json.put("queryExecutionId", state.queryExecutionId());
    json.put("sqlSha256", Sha256.hex(state.sql()));
    json.put("sql", state.sql());
    json.put("staged", state.staged());
    json.put("rows", state.rows().isPresent() ? state.rows().getAsLong() : null);
    json.put("bytesScanned", state.bytesScanned());
    json.put("engineMillis", state.engineMillis());
    json.put("output", state.output());
    try {
      return JSON.std.asBytes(json);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot write a build state as JSON: " + e.getMessage(), e);
    }
  }

  private State decode(YearMonth month, byte[] bytes) {
    try {
      Map<String, Object> json = JSON.std.mapFrom(bytes);
      String sql = string(json, "sql");
      if (!Sha256.hex(sql).equals(json.get("sqlSha256"))) {
        throw new IOException("its sql does not match its sqlSha256");
      }
      Object staged = json.getOrDefault("staged", List.of());
      if (!(staged instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
        throw new IOException("\"staged\" is not a list of keys");
      }
      Object rows = json.get("rows");
      return new State(
          Phase.valueOf(string(json, "phase")),
          string(json, "owner"),
          Instant.parse(string(json, "startedAt")),
          string(json, "token"),
          sql,
          (String) json.get("queryExecutionId"),
          list.stream().map(String.class::cast).toList(),
          rows instanceof Number n ? OptionalLong.of(n.longValue()) : OptionalLong.empty(),
          number(json, "bytesScanned"),
          number(json, "engineMillis"),
          // A state written before "output" existed is a staged build's.
          json.get("output") instanceof String output ? output : layout.stagingPrefix(month));
    } catch (IOException | RuntimeException e) {
      throw new PartitionBuilderException(
          "Cannot build "
              + month
              + ": the build state "
              + location(month)
              + " is not one this builder wrote ("
              + e.getMessage()
              + "); delete it once no build of "
              + month
              + " is running, and the next build starts the month over",
          e);
    }
  }

  private static String string(Map<String, Object> json, String field) throws IOException {
    if (!(json.get(field) instanceof String value)) {
      throw new IOException("it has no \"" + field + "\" string");
    }
    return value;
  }

  private static long number(Map<String, Object> json, String field) throws IOException {
    Object value = json.getOrDefault(field, 0);
    if (!(value instanceof Number number)) {
      throw new IOException("\"" + field + "\" is not a number");
    }
    return number.longValue();
  }
}
