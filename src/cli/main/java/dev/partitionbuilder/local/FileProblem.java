package dev.partitionbuilder.local;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Why a file the user named could not be read, in words: Java's own messages name only the path
 * ({@code NoSuchFileException: /x}), which the error already names.
 */
public final class FileProblem {
  private FileProblem() {}

  /** Why {@code file} could not be read, as the end of "Cannot read FILE: ...". */
  public static String why(Path file, IOException e) {
    if (e instanceof NoSuchFileException || e instanceof NotDirectoryException) {
      return "there is no such file";
    }
    if (Files.isDirectory(file)) {
      return "it is a directory, not a file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason().toLowerCase(Locale.ROOT);
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /**
   * Why {@code file} cannot be read, found before reading it; empty when it looks readable.
   *
   * @param what how the error names it, such as {@code --source-ddl x.sql}
   */
  public static java.util.Optional<String> unreadable(Path file, String what) {
    String why;
    if (!Files.exists(file)) {
      why = "there is no such file";
    } else if (Files.isDirectory(file)) {
      why = "it is a directory, not a file";
    } else if (!Files.isReadable(file)) {
      why = "permission denied";
    } else {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of("Cannot read " + what + ": " + why);
  }
}
