package dev.partitionbuilder.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * README.md and docs/: the README's first commands are the ones CI runs, and every link between the
 * pages (and into the repository) leads somewhere, anchors included, as GitHub renders them.
 */
class DocsTest {
  private static final Path README = Path.of("README.md");
  private static final Pattern FENCE = Pattern.compile("(?ms)^```(\\w*)\\n(.*?)^```");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*$");

  @Test
  void theReadmesFirstCommandsAreTheOnesCiRuns() throws IOException {
    Matcher first = FENCE.matcher(read(README));
    assertThat(first.find()).isTrue();
    while (!first.group(1).equals("bash")) {
      assertThat(first.find()).as("a ```bash block in " + README).isTrue();
    }
    List<String> commands =
        first.group(2).lines().map(line -> line.replaceAll("\\s+#.*$", "").strip()).toList();

    assertThat(commands)
        .containsExactly("./partition-builder run --month 2024-03", "./mvnw verify");
    String ci = read(Path.of(".ci/run"));
    assertThat(ci)
        .contains("\n./partition-builder run --month 2024-03\n")
        .contains("\n./mvnw -B verify\n");
  }

  @Test
  void everyLinkOfTheReadmeAndDocsLeadsToAFileOrHeadingThatExists() throws IOException {
    assertThat(brokenLinks(pages())).isEmpty();
  }

  @Test
  void aLinkToAMissingFileOrHeadingIsNamedWithItsPage(@org.junit.jupiter.api.io.TempDir Path dir)
      throws IOException {
    Files.writeString(
        dir.resolve("a.md"),
        "# A page\n\n## Its part\n\n[ok](b.md#b-1) [ok](#its-part) [gone](c.md) "
            + "[no heading](b.md#nothing)\n```\n[in code](ignored.md)\n```\n");
    Files.writeString(dir.resolve("b.md"), "# B 1\n");

    assertThat(brokenLinks(List.of(dir.resolve("a.md"), dir.resolve("b.md"))))
        .containsExactly(
            dir.resolve("a.md") + ": c.md (no such file)",
            dir.resolve("a.md") + ": b.md#nothing (no such heading)");
  }

  @Test
  void headingsBecomeAnchorsAsGitHubMakesThem() {
    assertThat(
            anchors(
                "# Stopping a run, and a killed one\n## The Lambda runtime stays `java21`\n## S3 layout\n## S3 layout\n"))
        .containsExactlyInAnyOrder(
            "stopping-a-run-and-a-killed-one",
            "the-lambda-runtime-stays-java21",
            "s3-layout",
            "s3-layout-1");
  }

  private static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(README, Path.of("BENCHMARKS.md")));
    try (Stream<Path> docs = Files.list(Path.of("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  private static List<String> brokenLinks(List<Path> pages) {
    List<String> broken = new ArrayList<>();
    Map<Path, Set<String>> anchors = new HashMap<>();
    for (Path page : pages) {
      Matcher link = LINK.matcher(withoutCode(read(page)));
      while (link.find()) {
        String target = link.group(1);
        if (target.matches("[a-z]+:.*")) {
          continue; // https:, mailto:: not checked offline
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved =
            file.isEmpty() ? page : page.toAbsolutePath().getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(page + ": " + target + " (no such file)");
        } else if (hash >= 0
            && resolved.toString().endsWith(".md")
            && !anchors
                .computeIfAbsent(resolved, p -> anchors(read(p)))
                .contains(target.substring(hash + 1))) {
          broken.add(page + ": " + target + " (no such heading)");
        }
      }
    }
    return broken;
  }

  /**
   * GitHub's anchors: lower case, punctuation but {@code -} and {@code _} dropped, spaces to {@code
   * -}.
   */
  private static Set<String> anchors(String markdown) {
    Set<String> anchors = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    Matcher heading = HEADING.matcher(withoutCode(markdown));
    while (heading.find()) {
      String slug =
          heading
              .group(1)
              .toLowerCase(Locale.ROOT)
              .replaceAll("[^\\p{L}\\p{N}_\\- ]", "")
              .replace(' ', '-');
      int n = seen.merge(slug, 1, Integer::sum) - 1;
      anchors.add(n == 0 ? slug : slug + "-" + n);
    }
    return anchors;
  }

  private static String withoutCode(String markdown) {
    return FENCE.matcher(markdown).replaceAll("");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }
}
