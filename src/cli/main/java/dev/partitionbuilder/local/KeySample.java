package dev.partitionbuilder.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

/**
 * What a sample of the source lines says about their top-level keys: how each column is spelled
 * (CloudTrail writes {@code eventID} for the column {@code eventid}), every key seen, and which
 * string columns hold large JSON objects. It only makes the reader fast; a row with any key the
 * sample did not see takes the slow, fully case-insensitive path, so a sample can never be wrong.
 */
record KeySample(Map<String, String> spellings, Set<String> knownKeys, Set<String> heavyColumns) {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int LINES_PER_FILE = 500;
  static final int FILES = 6;
  /** Average size from which a string column's objects are parsed only when a query asks for them. */
  static final int HEAVY_BYTES = 256;

  static KeySample of(List<Path> files, Set<String> columns, Set<String> stringColumns) {
    Map<String, Map<String, Integer>> counts = new HashMap<>();
    Map<String, long[]> objectSizes = new HashMap<>();
    Set<String> known = new TreeSet<>();
    int step = Math.max(1, files.size() / FILES);
    for (int i = 0; i < files.size(); i += step) {
      for (String line : head(files.get(i))) {
        JsonNode row;
        try {
          row = JSON.readTree(line);
        } catch (JsonProcessingException e) {
          continue; // malformed lines say nothing about spelling
        }
        if (row == null || !row.isObject()) {
          continue;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          String key = field.getKey();
          known.add(key);
          String column = key.toLowerCase(Locale.ROOT);
          if (columns.contains(column)) {
            counts.computeIfAbsent(column, c -> new HashMap<>()).merge(key, 1, Integer::sum);
            if (stringColumns.contains(column) && field.getValue().isContainerNode()) {
              long[] size = objectSizes.computeIfAbsent(column, c -> new long[2]);
              size[0] += field.getValue().toString().length();
              size[1]++;
            }
          }
        }
      }
    }
    Map<String, String> spellings = new HashMap<>();
    for (String column : columns) {
      Map<String, Integer> seen = counts.getOrDefault(column, Map.of());
      spellings.put(column, seen.entrySet().stream().max(Map.Entry.comparingByValue())
          .map(Map.Entry::getKey).orElse(column));
    }
    Set<String> heavy = new TreeSet<>();
    objectSizes.forEach((column, size) -> {
      if (size[0] / size[1] >= HEAVY_BYTES) {
        heavy.add(column);
      }
    });
    // A column seen in two spellings keeps only its most common one here; rows with the other
    // one are not "known" and go the slow way.
    Set<String> allowed = new TreeSet<>();
    for (String key : known) {
      String column = key.toLowerCase(Locale.ROOT);
      if (!columns.contains(column) || spellings.get(column).equals(key)) {
        allowed.add(key);
      }
    }
    return new KeySample(spellings, allowed, heavy);
  }

  private static List<String> head(Path file) {
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return reader.lines().limit(LINES_PER_FILE).toList();
    } catch (IOException | UncheckedIOException e) {
      // An unreadable sample only costs speed; the query itself will report the file.
      return List.of();
    }
  }
}
