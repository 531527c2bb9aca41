package dev.partitionbuilder.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawCloudTrailSampleTest {
  private static final YearMonth FEBRUARY = YearMonth.of(2024, 2);
  private static final YearMonth MARCH = YearMonth.of(2024, 3);

  @TempDir Path root;

  private Path region() {
    return RawCloudTrailSample.regionDirectory(root, "123456789012", "us-east-1");
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> files = Files.walk(region())) {
      return files.filter(Files::isRegularFile).map(f -> region().relativize(f)).sorted().toList();
    }
  }

  @Test
  void filesAreNamedAsCloudTrailNamesThemUnderTheDayOfTheirDelivery() throws IOException {
    RawCloudTrailSample.Summary summary =
        RawCloudTrailSample.generate(root, MARCH, 300, 1, "123456789012", "us-east-1");

    assertThat(summary.records()).isEqualTo(300);
    assertThat(files())
        .hasSize(summary.files())
        .allSatisfy(
            f ->
                assertThat(f.toString())
                    .matches(
                        "2024/0[34]/\\d\\d/123456789012_CloudTrail_us-east-1_2024(\\d{4})T\\d{4}Z_[A-Z0-9]{16}\\.json\\.gz")
                    .startsWith(
                        f.getName(0)
                            + "/"
                            + f.getName(1)
                            + "/"
                            + f.getName(2)
                            + "/123456789012_CloudTrail_us-east-1_"
                            + f.getName(0)
                            + f.getName(1)
                            + f.getName(2)
                            + "T"));
  }

  @Test
  void regeneratingAMonthReplacesItsFilesOnlyAndGivesTheSameBytes() throws IOException {
    RawCloudTrailSample.generate(root, FEBRUARY, 20_000, 3, "123456789012", "us-east-1");
    List<Path> february = files();
    assertThat(february).anySatisfy(f -> assertThat(f.toString()).startsWith("2024/03/01/"));
    RawCloudTrailSample.generate(root, MARCH, 500, 3, "123456789012", "us-east-1");
    List<Path> first = files();
    byte[] one = Files.readAllBytes(region().resolve(first.get(first.size() - 1)));

    RawCloudTrailSample.generate(root, MARCH, 400, 3, "123456789012", "us-east-1");
    RawCloudTrailSample.generate(root, MARCH, 500, 3, "123456789012", "us-east-1");

    assertThat(files()).isEqualTo(first).containsAll(february);
    assertThat(Files.readAllBytes(region().resolve(first.get(first.size() - 1)))).isEqualTo(one);
    try (Stream<Path> left = Files.list(region().getParent())) {
      assertThat(left).containsExactly(region());
    }
  }

  @Test
  void anAccountOrRegionThatIsNoneIsRefusedBeforeAnythingIsWritten() {
    assertThatThrownBy(() -> RawCloudTrailSample.generate(root, MARCH, 1, 1, "1234", "us-east-1"))
        .hasMessage("account \"1234\" is not a 12-digit AWS account ID");
    assertThatThrownBy(
            () -> RawCloudTrailSample.generate(root, MARCH, 1, 1, "123456789012", "../x"))
        .hasMessage("region \"../x\" is not an AWS Region such as us-east-1");
    assertThat(root).isEmptyDirectory();
  }
}
