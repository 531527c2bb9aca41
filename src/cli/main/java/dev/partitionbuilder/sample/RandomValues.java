package dev.partitionbuilder.sample;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Random values and choices for the sample data; every one draws from the caller's seeded
 * generator.
 */
final class RandomValues {
  private static final char[] UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final char[] UPPER_HEX = "0123456789ABCDEF".toCharArray();
  private static final char[] BASE64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

  private RandomValues() {}

  static <T> T one(SplittableRandom r, T[] items) {
    return items[r.nextInt(items.length)];
  }

  static boolean chance(SplittableRandom r, double probability) {
    return r.nextDouble() < probability;
  }

  /** A version 4 UUID, as CloudTrail's eventID and most requestIDs are. */
  static String uuid(SplittableRandom r) {
    long msb = r.nextLong() & ~0xF000L | 0x4000L;
    long lsb = r.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  static String hex(SplittableRandom r, int length) {
    return chars(r, HEX, length);
  }

  static String upperHex(SplittableRandom r, int length) {
    return chars(r, UPPER_HEX, length);
  }

  /** IAM unique IDs and access key IDs: uppercase letters and digits after a 4-letter prefix. */
  static String upperAlnum(SplittableRandom r, int length) {
    return chars(r, UPPER_ALNUM, length);
  }

  static String base64(SplittableRandom r, int length) {
    return chars(r, BASE64, length);
  }

  static String digits(SplittableRandom r, int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = (char) ('0' + (i == 0 ? 1 + r.nextInt(9) : r.nextInt(10)));
    }
    return new String(out);
  }

  /** A public-looking IPv4 address whose first octet is one of {@code firstOctets}. */
  static String ipv4(SplittableRandom r, int[] firstOctets) {
    return firstOctets[r.nextInt(firstOctets.length)]
        + "."
        + (1 + r.nextInt(254))
        + "."
        + r.nextInt(256)
        + "."
        + (1 + r.nextInt(254));
  }

  private static String chars(SplittableRandom r, char[] alphabet, int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = alphabet[r.nextInt(alphabet.length)];
    }
    return new String(out);
  }

  /** Items drawn in proportion to their weights. */
  static final class Weighted<T> {
    private final List<T> items = new ArrayList<>();
    private double[] cumulative = new double[8];
    private double total;

    Weighted<T> add(double weight, T item) {
      if (weight <= 0) {
        throw new IllegalArgumentException(
            "weight must be positive, got " + weight + " for " + item);
      }
      if (items.size() == cumulative.length) {
        cumulative = Arrays.copyOf(cumulative, cumulative.length * 2);
      }
      total += weight;
      cumulative[items.size()] = total;
      items.add(item);
      return this;
    }

    T pick(SplittableRandom r) {
      double x = r.nextDouble() * total;
      int i = Arrays.binarySearch(cumulative, 0, items.size(), x);
      // Not found gives -(insertion point) - 1: the first bucket whose upper bound exceeds x.
      return items.get(i >= 0 ? Math.min(i + 1, items.size() - 1) : -i - 1);
    }

    List<T> items() {
      return List.copyOf(items);
    }
  }
}
