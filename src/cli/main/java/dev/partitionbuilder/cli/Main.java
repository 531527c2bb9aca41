package dev.partitionbuilder.cli;

import dev.partitionbuilder.core.PartitionBuilderException;
import dev.partitionbuilder.core.SafeText;
import java.io.PrintWriter;
import java.util.function.Supplier;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code partition-builder}: the command-line shell over the same pipeline as the Lambda. */
@Command(
    name = "partition-builder",
    mixinStandardHelpOptions = true,
    version = "partition-builder 0.1.0",
    description = "Rebuilds monthly partitions of an Athena table.",
    subcommands = {
      RunCommand.class,
      QueryCommand.class,
      UnlockCommand.class,
      PlanCommand.class,
      RenderCommand.class,
      SampleCommand.class,
      EnqueueCommand.class,
      CheckCommand.class,
      // Prints the bash/zsh completion script, as in: source <(partition-builder
      // generate-completion); hidden in run()
      AutoComplete.GenerateCompletion.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:a message was rejected, a build or query failed, a message could not be sent, "
          + "unlock refused a live lock, or a check failed",
      "2:bad usage or configuration",
      "130:stopped by SIGINT (Ctrl-C); 143: by SIGTERM"
    })
public final class Main {
  static final int REJECTED = 1;
  static final int USAGE = 2;

  private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
  private static final String LOG_PROVIDER = "slf4j.provider";

  /**
   * SLF4J says at INFO which provider the property picked: a line on every start, before the
   * command's own.
   */
  private static final String LOG_SETUP_VERBOSITY = "slf4j.internal.verbosity";

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "log every step (INFO) on stderr")
  boolean verbose;

  @Option(
      names = "--no-color",
      scope = ScopeType.INHERIT,
      description =
          "no colours on a terminal (as with the "
              + "NO_COLOR environment variable); output that is not a terminal never has any")
  boolean noColor;

  /**
   * Where this process may draw bars and colours, before --no-color; asked only by the commands
   * that draw.
   */
  private final Supplier<Screen> detected;

  private Main(Supplier<Screen> detected) {
    this.detected = detected;
  }

  /** Where the command may draw bars and colours. */
  Screen screen() {
    Screen screen = detected.get();
    return noColor ? screen.withoutColour() : screen;
  }

  public static void main(String[] args) {
    // slf4j-simple reads its level once, when the first logger is made: decide before anything
    // logs.
    if (System.getProperty(LOG_LEVEL) == null) {
      System.setProperty(
          LOG_LEVEL, java.util.Arrays.asList(args).contains("--verbose") ? "info" : "warn");
    }
    if (System.getProperty(LOG_PROVIDER) == null) {
      System.setProperty(LOG_PROVIDER, CliLogProvider.class.getName());
      System.setProperty(LOG_SETUP_VERBOSITY, "WARN");
    }
    // The terminal's own encoding (stderr.encoding, stdout.encoding), which the JVM gave each
    // stream.
    PrintWriter err = new PrintWriter(System.err, true, System.err.charset());
    Interruptions interruptions = Interruptions.install(err);
    int code =
        run(
            args,
            new PrintWriter(System.out, true, System.out.charset()),
            err,
            System.getenv(),
            interruptions,
            Screen.detectOnce(System.getenv()));
    interruptions.unwound();
    System.exit(code);
  }

  /**
   * Runs one command line; the environment is passed in so tests can give their own. Its output is
   * plain lines, as to a file.
   */
  static int run(
      String[] args, PrintWriter out, PrintWriter err, java.util.Map<String, String> env) {
    return run(args, out, err, env, Interruptions.none(), Screen.PLAIN);
  }

  /**
   * @param screen what {@code out} and {@code err} are: terminals or not, with colours or not
   */
  static int run(
      String[] args,
      PrintWriter out,
      PrintWriter err,
      java.util.Map<String, String> env,
      Interruptions interruptions,
      Screen screen) {
    return run(args, out, err, env, interruptions, () -> screen);
  }

  private static int run(
      String[] args,
      PrintWriter out,
      PrintWriter err,
      java.util.Map<String, String> env,
      Interruptions interruptions,
      Supplier<Screen> screen) {
    Main main = new Main(screen);
    CommandLine cli = new CommandLine(main, new EnvironmentFactory(env, interruptions));
    // picocli's completion command is listed unless told otherwise; the README says how to use it.
    cli.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(true);
    cli.setOut(out);
    cli.setErr(err);
    // Bad usage (picocli's ParameterException) and bad configuration exit 2; anything else that
    // went wrong while running exits 1.
    cli.setExitCodeExceptionMapper(
        e ->
            e instanceof PartitionBuilderException || e instanceof CommandLine.ParameterException
                ? USAGE
                : REJECTED);
    cli.setParameterExceptionHandler(Main::usageError);
    cli.setExecutionExceptionHandler(
        (e, line, parsed) ->
            ErrorReport.print(
                e, line.getErr(), main.verbose, line.getExitCodeExceptionMapper().getExitCode(e)));
    try {
      return cli.execute(args);
    } catch (StackOverflowError | OutOfMemoryError e) {
      // picocli hands on Errors; one that user input can cause (a pathological template, a huge
      // value) is told like any other failure, and the process still exits (Trino's threads would
      // keep it alive).
      return ErrorReport.print(e, err, main.verbose, REJECTED);
    }
  }

  /**
   * A command line picocli cannot use: the error and where to read more, instead of the whole usage
   * (16 to 45 lines) after it.
   */
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine line = e.getCommandLine();
    // picocli starts some of its messages with "Error: ", which the line says already.
    String message = SafeText.of(e.getMessage()).replaceFirst("^Error: ", "");
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched
        && !unmatched.getSuggestions().isEmpty()) {
      message += " (did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?)";
    }
    String command =
        line.getCommandSpec()
            .qualifiedName()
            .replaceFirst("^partition-builder", "./partition-builder");
    line.getErr().println("partition-builder: error: " + message);
    line.getErr().println("Try '" + command + " --help'");
    return line.getExitCodeExceptionMapper().getExitCode(e);
  }
}
