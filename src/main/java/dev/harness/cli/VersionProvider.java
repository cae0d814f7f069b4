package dev.harness.cli;

import picocli.CommandLine;

/** {@code harness --version}: the harness version plus the Java runtime. */
public final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"harness " + dev.harness.HarnessVersion.VERSION, "Java " + System.getProperty("java.version") + " ("
        + System.getProperty("java.vendor") + "), " + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
  }
}
