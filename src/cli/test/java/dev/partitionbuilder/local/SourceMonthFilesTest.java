package dev.partitionbuilder.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partitionbuilder.local.trino.HiveDdl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceMonthFilesTest {
  private static final YearMonth MARCH = YearMonth.of(2024, 3);

  @TempDir Path root;

  private static HiveDdl ddl(String partitionedBy, String location, String properties) {
    return HiveDdl.parse(
        "CREATE EXTERNAL TABLE db.t (x STRING) PARTITIONED BY ("
            + partitionedBy
            + ") "
            + "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION '"
            + location
            + "'"
            + (properties.isEmpty() ? "" : " TBLPROPERTIES (" + properties + ")"),
        "test");
  }

  private void file(String relative) throws Exception {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{}\n");
  }

  @Test
  void theBundledTablesMonthIsItsYearAndMonthDirectory() throws Exception {
    SourceMonthFiles files =
        LocalBackend.sourceMonthFiles(Optional.empty(), LocalBackend.TableNames.CLOUDTRAIL);
    file("2024/02/29/a.json.gz");
    file("2024/04/01/a.json.gz");

    assertThat(files.hasFiles(root, MARCH)).isFalse();
    file("2024/03/31/a.json.gz");
    assertThat(files.hasFiles(root, MARCH)).isTrue();
    assertThat(files.describe(root, MARCH)).isEqualTo(root + "/2024/03/");
  }

  @Test
  void aDateKeysMonthIsEachOfItsDaysAndHiddenFilesAreNotTheTables() throws Exception {
    SourceMonthFiles files =
        SourceMonthFiles.of(
            ddl(
                "dt STRING",
                "s3://b/p/",
                "'projection.enabled' = 'true', "
                    + "'projection.dt.type' = 'date', 'projection.dt.format' = 'yyyy-MM-dd', "
                    + "'storage.location.template' = 's3://b/p/dt=${dt}/'"));
    file("dt=2024-04-01/a.csv");
    file("dt=2024-03-05/.a.csv.crc");
    file("dt=2024-03-06/_SUCCESS");

    assertThat(files.hasFiles(root, MARCH)).isFalse();
    file("dt=2024-03-31/a.csv");
    assertThat(files.hasFiles(root, MARCH)).isTrue();
    assertThat(files.describe(root, MARCH))
        .isEqualTo(root + "/dt=2024-03-01/ to " + root + "/dt=2024-03-31/");
  }

  @Test
  void hiveStyleDirectoriesOfATableWithoutProjectionTakeAMonthWithOrWithoutItsLeadingZero()
      throws Exception {
    SourceMonthFiles files =
        SourceMonthFiles.of(ddl("year STRING, month STRING, region STRING", "s3://b/p", ""));
    file("year=2024/month=13/region=eu/a.json");

    assertThat(files.hasFiles(root, MARCH)).isFalse();
    file("year=2024/month=3/region=eu/a.json");
    assertThat(files.hasFiles(root, MARCH)).isTrue();
    assertThat(files.describe(root, MARCH)).isEqualTo(root + "/year=2024/month=03/");
  }

  @Test
  void aTableNoKeyOfWhichNamesTheMonthCanOnlyBeLookedAtAsAWhole() throws Exception {
    SourceMonthFiles files = SourceMonthFiles.of(ddl("region STRING", "s3://b/p/", ""));

    assertThat(files.known()).isFalse();
    assertThat(files.hasFiles(root, MARCH)).isFalse();
    file("region=eu/a.json");
    assertThat(files.hasFiles(root, MARCH)).isTrue();
  }
}
