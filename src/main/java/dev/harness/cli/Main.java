package dev.harness.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of {@code harness.jar}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    // the PyTorch natives ship inside the jar: never let DJL try to download an engine
    if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    int code = run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    System.exit(code);
  }

  /** Runs the CLI in-process (tests call this): returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return commandLine(out, err).execute(args);
  }

  /** The configured command line, writing to the given streams. */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new HarnessCommand());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(new ExitCodes.ExceptionHandler());
    cl.setParameterExceptionHandler(new ExitCodes.ParameterHandler());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }
}
