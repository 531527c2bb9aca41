package dev.partitionbuilder.core;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a succeeded query's staged files into the month's partition: copy every staged file in (in
 * parallel, bounded), and only once every copy is in place delete the partition's old objects, then
 * clear staging. Until the old objects are deleted, a replace that stops (a failed copy, the
 * deadline, an interrupt) removes its copies again, so the partition holds exactly its old objects;
 * after that, readers see old and new files together until the delete, the documented window.
 *
 * <p>Before the first copy every key is checked, so a key the builder cannot handle stops it having
 * changed nothing. Before each destructive step the {@link Fence} confirms the month's lock still
 * holds this build's lease, and renews it while copies run.
 */
final class StagedReplace {
  private static final Logger log = LoggerFactory.getLogger(StagedReplace.class);

  /** How often the lease is confirmed (and renewed when due) while copies run. */
  static final Duration CONFIRM_EVERY = Duration.ofSeconds(20);

  /**
   * Confirms the month's lock still holds this build's lease before {@code step}, or throws {@link
   * LockLostException}.
   */
  @FunctionalInterface
  interface Fence {
    void confirm(String step);
  }

  record Outcome(int copied, long bytes, int oldDeleted) {}

  /**
   * The query's output cannot replace the partition (a staged file has the name of an object
   * already there, or there is no output where the template should have written it): nothing was
   * copied, and the output is not worth resuming.
   */
  static final class RejectedOutputException extends PartitionBuilderException {
    RejectedOutputException(String message) {
      super(message);
    }
  }

  private final ObjectStore store;
  private final BuildCheckpoint checkpoints;
  private final Clock clock;
  private final int threads;
  private final String rerun;

  /**
   * @param rerun what starts the month's next build ({@link BuildSettings#rerun})
   */
  StagedReplace(
      ObjectStore store, BuildCheckpoint checkpoints, Clock clock, int threads, String rerun) {
    this.store = requireNonNull(store, "store is null");
    this.checkpoints = requireNonNull(checkpoints, "checkpoints is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.threads = threads;
    this.rerun = requireNonNull(rerun, "rerun is null");
  }

  private record Copy(String source, String target, long bytes, boolean redo) {}

  /**
   * Replaces the partition with the staged files of {@code state}.
   *
   * @param resumed the replace of an earlier attempt: a staged file whose copy is already in the
   *     partition was copied by it (and is copied again unless the store confirms it is a complete
   *     copy); without this, such a name clash is refused
   * @param deadline no copy is started at or after it
   * @return null when resuming is impossible because a staged file is gone before its copy was made
   */
  Outcome run(
      PartitionPlan plan,
      BuildCheckpoint.State state,
      boolean resumed,
      Instant deadline,
      Fence fence) {
    String partition = plan.partitionPrefix();
    String staging = plan.stagingPrefix();
    Map<String, Long> stagedNow = new LinkedHashMap<>();
    store.list(staging).forEach(object -> stagedNow.put(object.key(), object.size()));
    if (!resumed) {
      requireOutput(plan, state, stagedNow);
    }
    List<String> staged = resumed ? state.staged() : List.copyOf(stagedNow.keySet());
    List<ObjectStore.StoredObject> present = store.list(partition);
    List<String> markers = requireHandledKeys(plan, present);
    Set<String> presentKeys = new HashSet<>();
    present.forEach(object -> presentKeys.add(object.key()));

    CopyPlan toCopy = planCopies(plan, staged, stagedNow, presentKeys, resumed);
    if (toCopy == null) {
      checkpoints.discard(plan.month());
      return null;
    }
    List<Copy> copies = toCopy.copies();
    List<String> earlierCopies = toCopy.earlierCopies();
    Set<String> newKeys = toCopy.newKeys();

    if (!resumed) {
      // From here on a later attempt finishes this replace rather than start over: it needs to
      // know which partition objects are this query's.
      checkpoints.save(
          plan.month(),
          state.replacing(staged, state.rows(), state.bytesScanned(), state.engineMillis()));
    }
    long bytes = copyAll(plan, copies, earlierCopies, deadline, fence);
    log.info(
        "step=replace copied {} file(s) into {}{}",
        copies.size(),
        plan.location(),
        earlierCopies.isEmpty()
            ? ""
            : " (" + earlierCopies.size() + " more were copied by an earlier attempt)");

    List<String> stale =
        present.stream()
            .map(ObjectStore.StoredObject::key)
            .filter(key -> !newKeys.contains(key) && !markers.contains(key))
            .toList();
    fence.confirm("deleting the old objects");
    int deleted;
    try {
      deleted = store.deleteKeys(partition, stale) + deleteMarkers(plan, markers);
    } catch (RuntimeException e) {
      throw new PartitionBuilderException(
          "Cannot replace "
              + plan.month()
              + ": the new files are in "
              + plan.location()
              + " but deleting the old objects failed, so readers see old and new rows until the retry finishes the replace: "
              + e.getMessage(),
          e);
    }
    fence.confirm("clearing the staging prefix");
    store.deleteAll(staging);
    return new Outcome(copies.size() + earlierCopies.size(), bytes, deleted);
  }

  /**
   * What a replace copies: the copies still to make, those an earlier attempt made, and every
   * target.
   */
  private record CopyPlan(List<Copy> copies, List<String> earlierCopies, Set<String> newKeys) {}

  /**
   * Pairs each staged file with its key in the partition. Null when an earlier replace cannot be
   * finished: a staged file is gone and its copy was never made, so the month must start over.
   */
  private CopyPlan planCopies(
      PartitionPlan plan,
      List<String> staged,
      Map<String, Long> stagedNow,
      Set<String> presentKeys,
      boolean resumed) {
    String partition = plan.partitionPrefix();
    String staging = plan.stagingPrefix();
    Set<String> newKeys = new HashSet<>();
    List<Copy> copies = new ArrayList<>();
    List<String> earlierCopies = new ArrayList<>();
    for (String source : staged) {
      requireOwnedKey(plan, source);
      String target = requireOwnedKey(plan, partition + source.substring(staging.length()));
      newKeys.add(target);
      if (presentKeys.contains(target)) {
        if (!resumed) {
          // Copying over it would change an old object before we know every copy succeeds.
          throw new RejectedOutputException(
              "Cannot replace "
                  + plan.month()
                  + ": the staged file "
                  + source
                  + " has the name of an object already in the partition ("
                  + target
                  + "): leaving the previous partition as it was");
        }
        if (stagedNow.containsKey(source) && !store.isCopyOf(target, source)) {
          // A copy that a killed process left half written, or another writer's: never trusted.
          log.warn(
              "step=replace {} is not a complete copy of the staged {}: copying it again",
              target,
              source);
          copies.add(new Copy(source, target, stagedNow.get(source), true));
        } else {
          // Staging is cleared only after every copy was made, so a copy whose source is gone is
          // whole.
          earlierCopies.add(target);
        }
      } else if (stagedNow.containsKey(source)) {
        copies.add(new Copy(source, target, stagedNow.get(source), false));
      } else {
        log.warn(
            "the staged file {} is gone and its copy {} was never made, so the earlier replace cannot be "
                + "finished: starting the month over",
            source,
            target);
        return null;
      }
    }
    return new CopyPlan(copies, earlierCopies, newKeys);
  }

  /**
   * The query's output must be where the builder looks for it: a query that reports rows but left
   * no bytes under the staging prefix wrote them elsewhere (a template whose external_location is
   * not {{location}}), and replacing the partition with nothing would empty it.
   */
  private static void requireOutput(
      PartitionPlan plan, BuildCheckpoint.State state, Map<String, Long> staged) {
    requireOutput(
        plan,
        state.rows(),
        staged.size(),
        staged.values().stream().mapToLong(Long::longValue).sum(),
        plan.stagingLocation());
  }

  /**
   * The query's {@code files} files of {@code bytes} bytes at {@code location} (its output:
   * staging, or a build's own location) are output worth using, unless the query reported rows and
   * left no bytes there. Shared by the copy, the swap and the check.
   */
  static void requireOutput(
      PartitionPlan plan, OptionalLong rows, int files, long bytes, String location) {
    boolean knownEmpty = rows.isPresent() && rows.getAsLong() == 0;
    if (bytes == 0 && !knownEmpty) {
      throw new RejectedOutputException(
          "Cannot replace "
              + plan.month()
              + ": the query reported "
              + (rows.isPresent() ? rows.getAsLong() + " row(s)" : "an unknown number of rows")
              + " but left "
              + (files == 0 ? "no file" : files + " empty file(s)")
              + " under "
              + location
              + " (does the template write to external_location = '{{location}}'?): leaving the previous partition as it was");
    }
  }

  /**
   * Checks every key in the partition before anything is copied, so a key that cannot be handled
   * stops the replace having changed nothing.
   *
   * @return the zero-byte folder markers (keys ending in '/', as the S3 console's "Create folder"
   *     makes), which are deleted with the old objects
   */
  private static List<String> requireHandledKeys(
      PartitionPlan plan, List<ObjectStore.StoredObject> present) {
    List<String> markers = new ArrayList<>();
    for (ObjectStore.StoredObject object : present) {
      String key = object.key();
      if (key.endsWith("/") && object.size() == 0) {
        markers.add(key);
        continue;
      }
      String rest = key.substring(plan.partitionPrefix().length());
      if (rest.isEmpty()
          || Arrays.stream(rest.split("/", -1))
              .anyMatch(s -> s.isEmpty() || s.equals(".") || s.equals(".."))) {
        throw new PartitionBuilderException(
            "Cannot replace "
                + plan.month()
                + ": the partition holds the object "
                + SafeText.quote(key)
                + ", whose name has an empty, '.' or '..' path segment that the builder will not "
                + "delete (a file system would resolve it elsewhere); remove it by hand and run again: nothing was changed");
      }
    }
    return markers;
  }

  /**
   * Markers are deleted under the partition's parent: a marker named as the partition itself is no
   * key under it.
   */
  private int deleteMarkers(PartitionPlan plan, List<String> markers) {
    if (markers.isEmpty()) {
      return 0;
    }
    String partition = plan.partitionPrefix();
    String parent = partition.substring(0, partition.lastIndexOf('/', partition.length() - 2) + 1);
    return store.deleteKeys(parent, markers);
  }

  private enum Stop {
    FAILED,
    DEADLINE,
    INTERRUPTED,
    LOCK_LOST
  }

  /** What one copy came to: its index in the list, and the failure if it failed. */
  private record Done(int index, RuntimeException failure) {}

  /**
   * Runs the copies on a bounded pool. Stops starting copies at the deadline, at an interrupt, at
   * the first failure or when the lease is lost; then waits for the copies in flight and, unless
   * the lease was lost (the build holding the month now owns what is there), removes every copy so
   * the partition holds exactly its old objects.
   *
   * @return the bytes copied
   */
  private long copyAll(
      PartitionPlan plan,
      List<Copy> copies,
      List<String> earlierCopies,
      Instant deadline,
      Fence fence) {
    if (copies.isEmpty()) {
      return 0;
    }
    fence.confirm("copying into the partition");
    Copying copying = new Copying(copies);
    copying.run(deadline, fence);
    if (copying.stop == null) {
      return copying.bytes;
    }
    throw stopped(plan, copying, earlierCopies, deadline);
  }

  /**
   * One copyAll's progress: what was copied, what may have landed, and why it stopped (null while
   * it goes on).
   */
  private final class Copying {
    private final List<Copy> copies;
    private final List<String> copied = new ArrayList<>();
    private final List<String> maybeLanded = new ArrayList<>();
    private long bytes;
    private int next;
    private int running;
    private Stop stop;
    private RuntimeException cause;

    Copying(List<Copy> copies) {
      this.copies = copies;
    }

    void run(Instant deadline, Fence fence) {
      AtomicInteger serial = new AtomicInteger();
      ExecutorService pool =
          Executors.newFixedThreadPool(
              Math.min(threads, copies.size()),
              r -> {
                Thread thread = new Thread(r, "partition-copy-" + serial.incrementAndGet());
                thread.setDaemon(true);
                return thread;
              });
      CompletionService<Done> completion = new ExecutorCompletionService<>(pool);
      Instant confirmed = clock.instant();
      try {
        while (true) {
          startWhileThereIsRoom(completion, deadline);
          if (running == 0) {
            break;
          }
          Future<Done> finished;
          try {
            finished = completion.poll(CONFIRM_EVERY.toMillis(), TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            stop = stop == null ? Stop.INTERRUPTED : stop;
            continue;
          }
          if (stop == null
              && Duration.between(confirmed, clock.instant()).compareTo(CONFIRM_EVERY) >= 0) {
            try {
              fence.confirm("copying into the partition");
              confirmed = clock.instant();
            } catch (LockLostException e) {
              stop = Stop.LOCK_LOST;
              cause = e;
            }
          }
          if (finished != null) {
            running--;
            account(result(finished));
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }

    private void startWhileThereIsRoom(CompletionService<Done> completion, Instant deadline) {
      while (stop == null && running < threads && next < copies.size()) {
        if (!clock.instant().isBefore(deadline)) {
          stop = Stop.DEADLINE;
        } else if (Thread.interrupted()) {
          stop = Stop.INTERRUPTED;
        } else {
          int index = next++;
          Copy copy = copies.get(index);
          completion.submit(
              () -> {
                try {
                  store.copy(copy.source(), copy.target(), copy.bytes());
                  return new Done(index, null);
                } catch (RuntimeException e) {
                  return new Done(index, e);
                }
              });
          running++;
        }
      }
    }

    private void account(Done done) {
      Copy copy = copies.get(done.index());
      if (done.failure() == null) {
        copied.add(copy.target());
        bytes += copy.bytes();
        return;
      }
      // A copy whose answer was lost may have landed: its target is removed with the rest.
      maybeLanded.add(copy.target());
      if (stop == null || stop == Stop.DEADLINE || stop == Stop.INTERRUPTED) {
        cause = cause == null ? done.failure() : cause;
        stop = stop == null ? Stop.FAILED : stop;
      }
      if (cause != done.failure()) {
        cause.addSuppressed(done.failure());
      }
    }
  }

  /**
   * The failure of a copyAll that stopped: unless the lease was lost, every copy it made (and every
   * copy an earlier attempt made) is removed first, so the partition holds exactly its old objects.
   */
  private RuntimeException stopped(
      PartitionPlan plan, Copying copying, List<String> earlierCopies, Instant deadline) {
    RuntimeException cause = copying.cause;
    String done = copying.copied.size() + " of " + copying.copies.size() + " file(s)";
    if (copying.stop == Stop.LOCK_LOST) {
      return new LockLostException(
          cause.getMessage()
              + "; "
              + done
              + " were copied into "
              + plan.location()
              + " and are left for that build, which finishes or removes them");
    }
    List<String> undo = new ArrayList<>(copying.copied);
    undo.addAll(copying.maybeLanded);
    // Copies an earlier attempt made before it, too: that attempt never reached the delete of the
    // old objects (it had not copied everything), so the old objects are all still there.
    undo.addAll(earlierCopies);
    Undo undone = removeCopies(plan, undo);
    String resume =
        rerun + " finishes the replace without a new query (state in " + plan.stateLocation() + ")";
    PartitionBuilderException failure =
        switch (copying.stop) {
          case DEADLINE ->
              new PartitionBuilderException(
                  "Cannot finish replacing "
                      + plan.month()
                      + " before the "
                      + "deadline "
                      + deadline
                      + ": stopped after copying "
                      + done
                      + "; "
                      + undone.said()
                      + "; "
                      + resume);
          case INTERRUPTED ->
              new BuildInterruptedException(
                  "Interrupted while replacing "
                      + plan.month()
                      + ": stopped after copying "
                      + done
                      + "; "
                      + undone.said()
                      + "; "
                      + resume);
          default -> {
            Copy failed =
                copying.copies.stream()
                    .filter(c -> copying.maybeLanded.contains(c.target()))
                    .findFirst()
                    .orElseThrow();
            yield new PartitionBuilderException(
                "Cannot replace "
                    + plan.month()
                    + ": copying "
                    + failed.source()
                    + " failed after "
                    + done
                    + "; "
                    + undone.said()
                    + ": "
                    + SafeText.describe(cause),
                cause);
          }
        };
    if (cause != null && failure.getCause() != cause) {
      failure.addSuppressed(cause);
    }
    if (undone.failure() != null) {
      failure.addSuppressed(undone.failure());
    }
    return failure;
  }

  /** What removing the copies came to, said as the partition now is. */
  private record Undo(String said, RuntimeException failure) {}

  private static Done result(Future<Done> finished) {
    try {
      return finished.get();
    } catch (InterruptedException | ExecutionException e) {
      // The task catches every RuntimeException and the future is done: neither can happen.
      throw new IllegalStateException("A finished copy gave no result: " + e, e);
    }
  }

  /** Deletes this replace's copies; says what the partition holds afterwards. */
  private Undo removeCopies(PartitionPlan plan, List<String> copies) {
    if (copies.isEmpty()) {
      return new Undo("the previous partition is as it was", null);
    }
    try {
      store.deleteKeys(plan.partitionPrefix(), copies);
      return new Undo(
          "its copies were removed ("
              + copies.size()
              + " key(s)) and the previous partition is as it was",
          null);
    } catch (RuntimeException e) {
      return new Undo(
          "removing the copies failed too ("
              + SafeText.describe(e)
              + "), so "
              + plan.location()
              + " holds its "
              + "old objects and up to "
              + copies.size()
              + " new file(s) (such as "
              + copies.get(0)
              + ") until "
              + rerun
              + " finishes the replace",
          e);
    }
  }

  /**
   * The guard between a computed key and a copy into it or a delete of it: under this month's
   * partition or staging prefix, never the table's root or another month, and no "." or ".."
   * segment that a file system would resolve elsewhere.
   */
  static String requireOwnedKey(PartitionPlan plan, String key) {
    String rest =
        key.startsWith(plan.partitionPrefix())
            ? key.substring(plan.partitionPrefix().length())
            : key.startsWith(plan.stagingPrefix())
                ? key.substring(plan.stagingPrefix().length())
                : null;
    if (rest == null
        || rest.isEmpty()
        || Arrays.stream(rest.split("/", -1)).anyMatch(s -> s.equals(".") || s.equals(".."))) {
      throw new IllegalStateException(
          "Refusing to write or delete "
              + key
              + ": not an object under "
              + plan.partitionPrefix()
              + " or "
              + plan.stagingPrefix());
    }
    return key;
  }
}
