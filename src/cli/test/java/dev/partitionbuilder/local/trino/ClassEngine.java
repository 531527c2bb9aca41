package dev.partitionbuilder.local.trino;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded Trino for a whole test class ({@code @RegisterExtension static}): starting one costs
 * seconds. Its file metastore is in a temporary directory, removed with the engine.
 */
final class ClassEngine implements BeforeAllCallback, AfterAllCallback {
  private Path metastore;
  private TrinoEngine engine;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    metastore = Files.createTempDirectory("class-engine-");
    engine =
        TrinoEngine.start(
            new TrinoEngine.Settings(
                metastore.resolve("metastore"), OptionalLong.empty(), 1, false));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (engine != null) {
        engine.close();
      }
    } finally {
      try (Stream<Path> paths = Files.walk(metastore)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot remove the test engine's metastore " + metastore, e);
      }
    }
  }

  TrinoEngine get() {
    return engine;
  }
}
