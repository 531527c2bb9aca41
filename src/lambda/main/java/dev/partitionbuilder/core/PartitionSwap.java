package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a Glue-registered month (a table without partition projection) without copying: each
 * build's CTAS writes to a location of its own, {@code <partition base>build-<time>-<id>/}, and one
 * catalog change (Glue CreatePartition or UpdatePartition) points the month's partition at it.
 * Readers see the old location or the new one, never both and never neither.
 *
 * <p>The location the partition pointed at before is retired, not deleted: a query that started
 * before the swap may still be reading it. It is recorded in {@link TableLayout#retiredKey} before
 * the swap and deleted by a later build of the month once {@code grace} has passed. Only {@code
 * build-*} locations below the month's base are ever deleted, never the one the partition points
 * at, so a location someone else registered is left alone.
 */
final class PartitionSwap {
  private static final Logger log = LoggerFactory.getLogger(PartitionSwap.class);

  /**
   * The prefix of every location this builder makes; nothing else below a month's base is deleted.
   */
  static final String BUILD = "build-";

  private static final DateTimeFormatter BUILD_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final TableLayout layout;
  private final ObjectStore store;
  private final Catalog catalog;
  private final BuildCheckpoint checkpoints;
  private final Clock clock;
  private final Duration grace;

  PartitionSwap(
      TableLayout layout,
      ObjectStore store,
      Catalog catalog,
      BuildCheckpoint checkpoints,
      Clock clock,
      Duration grace) {
    this.layout = requireNonNull(layout, "layout is null");
    this.store = requireNonNull(store, "store is null");
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.checkpoints = requireNonNull(checkpoints, "checkpoints is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.grace = requireNonNull(grace, "grace is null");
  }

  /** A location no build of the month has used: {@code <base>build-20240401T003000Z-1a2b3c4d/}. */
  String freshOutput(PartitionPlan plan) {
    return plan.partitionPrefix()
        + BUILD
        + BUILD_TIME.format(clock.instant())
        + "-"
        + UUID.randomUUID().toString().substring(0, 8)
        + "/";
  }

  /**
   * Deletes, below the month's base, the locations of builds that never became the partition
   * (failed, rejected or abandoned) and the retired ones whose grace is over. Run before a new
   * query, under the month's lock.
   *
   * @return how many objects were deleted
   */
  int sweep(PartitionPlan plan) {
    Optional<String> current = currentKey(plan);
    Map<String, Instant> retired = readRetired(plan);
    Instant now = clock.instant();
    Set<String> builds = new LinkedHashSet<>();
    for (ObjectStore.StoredObject object : store.list(plan.partitionPrefix())) {
      String rest = object.key().substring(plan.partitionPrefix().length());
      int slash = rest.indexOf('/');
      if (rest.startsWith(BUILD) && slash > BUILD.length()) {
        builds.add(plan.partitionPrefix() + rest.substring(0, slash + 1));
      }
    }
    int deleted = 0;
    Map<String, Instant> kept = new LinkedHashMap<>();
    for (String build : builds) {
      Instant retiredAt = retired.get(build);
      if (current.isPresent() && current.get().equals(build)) {
        if (retiredAt != null) {
          kept.put(
              build, retiredAt); // recorded just before a swap away from it that has not happened
        }
        continue;
      }
      if (retiredAt != null && retiredAt.plus(grace).isAfter(now)) {
        log.info(
            "step=sweep keeps {}: retired at {}, deleted after {}",
            layout.location(build),
            retiredAt,
            retiredAt.plus(grace));
        kept.put(build, retiredAt);
        continue;
      }
      int n = store.deleteAll(build);
      deleted += n;
      log.info(
          "step=sweep deleted {} object(s) of {} ({})",
          n,
          layout.location(build),
          retiredAt == null
              ? "a build that never became the partition"
              : "retired at " + retiredAt);
    }
    if (!kept.equals(retired)) {
      writeRetired(plan, kept);
    }
    return deleted;
  }

  /**
   * Points the month's partition at the output of {@code state}'s succeeded query, retiring the
   * location it pointed at before. Safe to run again after any step.
   */
  StagedReplace.Outcome run(
      PartitionPlan plan, BuildCheckpoint.State state, StagedReplace.Fence fence) {
    String output = state.output();
    List<ObjectStore.StoredObject> files = store.list(output);
    long bytes = files.stream().mapToLong(ObjectStore.StoredObject::size).sum();
    StagedReplace.requireOutput(plan, state.rows(), files.size(), bytes, layout.location(output));
    if (state.phase() != BuildCheckpoint.Phase.REPLACE) {
      checkpoints.save(
          plan.month(),
          state.replacing(List.of(), state.rows(), state.bytesScanned(), state.engineMillis()));
    }
    Optional<String> before = currentKey(plan);
    String target = layout.location(output);
    if (before.isPresent() && before.get().equals(output)) {
      log.info("step=swap the partition already points at {}", target);
    } else {
      // Recorded before the swap, so a location that stops being the partition is always known to
      // have been one, and gets its grace; a swap that then fails leaves a record of the current
      // location, which is never deleted.
      before.filter(old -> isBuildLocation(plan, old)).ifPresent(old -> retire(plan, old));
      fence.confirm("pointing the partition at the new files");
      catalog.pointPartition(layout.database(), layout.destinationTable(), plan.values(), target);
      log.info(
          "step=swap partition {} of {}.{} now points at {} (was {})",
          plan.values(),
          layout.database(),
          layout.destinationTable(),
          target,
          before.map(layout::location).orElse("no partition"));
      before.filter(old -> isBuildLocation(plan, old)).ifPresent(old -> retire(plan, old));
    }
    int deleted = sweep(plan);
    return new StagedReplace.Outcome(files.size(), bytes, deleted);
  }

  /**
   * The partition's location as a key of this layout's storage; empty when there is none or it lies
   * elsewhere.
   */
  private Optional<String> currentKey(PartitionPlan plan) {
    Optional<String> location =
        catalog.partitionLocation(layout.database(), layout.destinationTable(), plan.values());
    if (location.isEmpty()) {
      return Optional.empty();
    }
    String uri = location.get().endsWith("/") ? location.get() : location.get() + "/";
    String root = layout.location("");
    // A location outside this storage is kept as it is: it can never equal a key here.
    return Optional.of(uri.startsWith(root) ? uri.substring(root.length()) : uri);
  }

  /**
   * A location this builder made for the month: {@code <base>build-.../}, one level below the base.
   */
  private static boolean isBuildLocation(PartitionPlan plan, String key) {
    if (!key.startsWith(plan.partitionPrefix())) {
      return false;
    }
    String rest = key.substring(plan.partitionPrefix().length());
    return rest.startsWith(BUILD)
        && rest.indexOf('/') == rest.length() - 1
        && rest.length() > BUILD.length() + 1;
  }

  private void retire(PartitionPlan plan, String build) {
    Map<String, Instant> retired = new LinkedHashMap<>(readRetired(plan));
    retired.put(build, clock.instant());
    writeRetired(plan, retired);
  }

  private Map<String, Instant> readRetired(PartitionPlan plan) {
    String key = layout.retiredKey(plan.month());
    Optional<byte[]> bytes = store.read(key);
    Map<String, Instant> retired = new LinkedHashMap<>();
    if (bytes.isEmpty()) {
      return retired;
    }
    try {
      Map<String, Object> json = JSON.std.mapFrom(bytes.get());
      if (!(json.get("retired") instanceof List<?> list)) {
        throw new IOException("it has no \"retired\" list");
      }
      for (Object entry : list) {
        if (!(entry instanceof Map<?, ?> map)
            || !(map.get("prefix") instanceof String prefix)
            || !(map.get("retiredAt") instanceof String at)
            || !prefix.startsWith(plan.partitionPrefix())) {
          throw new IOException("an entry is not a {prefix, retiredAt} of this month");
        }
        retired.put(prefix, Instant.parse(at));
      }
      return retired;
    } catch (IOException | RuntimeException e) {
      throw new PartitionBuilderException(
          "Cannot build "
              + plan.month()
              + ": "
              + layout.location(key)
              + " is not a list of retired locations this builder wrote ("
              + e.getMessage()
              + "); check it by hand",
          e);
    }
  }

  private void writeRetired(PartitionPlan plan, Map<String, Instant> retired) {
    List<Map<String, String>> entries = new ArrayList<>();
    retired.forEach(
        (prefix, at) -> entries.add(Map.of("prefix", prefix, "retiredAt", at.toString())));
    try {
      store.write(layout.retiredKey(plan.month()), JSON.std.asBytes(Map.of("retired", entries)));
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot write the retired locations as JSON: " + e.getMessage(), e);
    }
  }
}
