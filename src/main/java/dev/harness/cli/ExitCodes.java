package dev.harness.cli;

import dev.harness.HarnessException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Exit codes: 0 success, 2 bad usage or invalid config, 1 any other failure. One line on stderr per error. */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILURE = HarnessException.FAILURE;
  public static final int USAGE = HarnessException.USAGE;

  private ExitCodes() {}

  static final class ExceptionHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
      PrintWriter err = cl.getErr();
      boolean verbose = parseResult.expandedArgs().contains("--verbose") || parseResult.expandedArgs().contains("-v");
      int code;
      String message;
      if (ex instanceof HarnessException he) {
        code = he.exitCode();
        message = he.getMessage();
      } else {
        code = FAILURE;
        message = ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
      }
      err.println("error: " + oneLine(message));
      if (verbose) {
        ex.printStackTrace(err);
      } else if (!(ex instanceof HarnessException) || ex.getCause() != null) {
        err.println("(run with --verbose for the stack trace)");
      }
      err.flush();
      return code;
    }
  }

  static final class ParameterHandler implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
      PrintWriter err = ex.getCommandLine().getErr();
      err.println("error: " + oneLine(ex.getMessage()));
      err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
      err.flush();
      return USAGE;
    }
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replace("\r", " ").replace("\n", " ").strip();
  }
}
