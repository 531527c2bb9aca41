package dev.partitionbuilder.cli;

import static java.util.Objects.requireNonNull;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.jline.terminal.spi.SystemStream;
import org.jline.terminal.spi.TerminalProvider;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the CLI may draw where: progress bars on stderr only when stderr is a terminal, colours on a
 * stream only when it is a terminal and neither {@code --no-color} nor {@code NO_COLOR}
 * (https://no-color.org) turned them off. Anything else gets plain lines.
 *
 * @param errTerminal stderr is a terminal that moves its cursor (not {@code TERM=dumb})
 * @param outTerminal stdout is such a terminal
 * @param colour colours were not turned off
 * @param width stderr's width in columns now (it can change while a bar is drawn)
 * @param charset what stderr writes: the bars' blocks are Unicode where it can write them
 */
record Screen(
    boolean errTerminal, boolean outTerminal, boolean colour, IntSupplier width, Charset charset) {
  private static final Logger log = LoggerFactory.getLogger(Screen.class);
  private static final int DEFAULT_WIDTH = 80;

  /** Plain lines everywhere: for output that is not a terminal, such as a test's writers. */
  static final Screen PLAIN =
      new Screen(false, false, false, () -> DEFAULT_WIDTH, StandardCharsets.UTF_8);

  Screen {
    requireNonNull(width, "width is null");
    requireNonNull(charset, "charset is null");
  }

  /**
   * {@link #detect} on first use, then the same: asking costs a JVM about 100 ms (the native calls
   * are linked on the first), which only the commands that draw pay.
   */
  static Supplier<Screen> detectOnce(Map<String, String> env) {
    return new Supplier<>() {
      private Screen screen;

      @Override
      public synchronized Screen get() {
        if (screen == null) {
          screen = detect(env);
        }
        return screen;
      }
    };
  }

  /**
   * This process's stderr and stdout, asked of the C library through JLine's FFM provider (no
   * process started, no hold on the terminal); plain lines when that cannot be told.
   */
  static Screen detect(Map<String, String> env) {
    TerminalProvider terminal;
    try {
      terminal = TerminalProvider.load("ffm");
    } catch (Exception | LinkageError e) {
      // Such as a JVM started without --enable-native-access: the run works, only without bars.
      log.info(
          "No progress bars or colours: cannot tell whether stderr is a terminal ({})",
          e.toString());
      return PLAIN;
    }
    return of(
        terminal.isSystemStream(SystemStream.Error),
        terminal.isSystemStream(SystemStream.Output),
        env,
        () -> {
          int columns = terminal.systemStreamWidth(SystemStream.Error);
          return columns >= 20 ? columns : DEFAULT_WIDTH;
        },
        System.err.charset());
  }

  /**
   * Streams that are terminals or not, as {@code env} has them: {@code TERM=dumb} moves no cursor
   * (no bars, no colours), a {@code NO_COLOR} that is set and not empty turns colours off.
   */
  static Screen of(
      boolean errTerminal,
      boolean outTerminal,
      Map<String, String> env,
      IntSupplier width,
      Charset charset) {
    boolean dumb = "dumb".equals(env.get("TERM"));
    String noColor = env.get("NO_COLOR");
    return new Screen(
        errTerminal && !dumb,
        outTerminal && !dumb,
        noColor == null || noColor.isEmpty(),
        width,
        charset);
  }

  Screen withoutColour() {
    return new Screen(errTerminal, outTerminal, false, width, charset);
  }

  boolean bars() {
    return errTerminal;
  }

  /** Colours for stdout, or none. */
  Paint out() {
    return new Paint(colour && outTerminal);
  }

  /** Colours for stderr, or none. */
  Paint err() {
    return new Paint(colour && errTerminal);
  }

  boolean unicode() {
    return charset.equals(StandardCharsets.UTF_8);
  }

  /** Text in a colour when colours are on, as it is otherwise. */
  record Paint(boolean on) {
    String green(String text) {
      return paint(text, AttributedStyle.GREEN);
    }

    String red(String text) {
      return paint(text, AttributedStyle.RED);
    }

    String yellow(String text) {
      return paint(text, AttributedStyle.YELLOW);
    }

    private String paint(String text, int colour) {
      return on && !text.isEmpty()
          ? new AttributedString(text, AttributedStyle.DEFAULT.foreground(colour)).toAnsi()
          : text;
    }
  }
}
