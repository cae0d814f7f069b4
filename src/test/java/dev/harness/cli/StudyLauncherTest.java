package dev.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.harness.study.UnitStatus;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The one line Ctrl-C prints (checked by hand too: SIGTERM during a kl run against a slow server printed
 * "interrupted: 6 of 20 units stored (6 ok, 0 failed); 'harness all -c /tmp/x/kl.yaml' resumes").
 */
class StudyLauncherTest {
  @Test
  void interruptLineCountsStoredUnitsAndSaysAllResumes() {
    UnitStatus u = new UnitStatus(20, 6, Map.of("HTTP_5XX", 2L), 12, 0);
    assertEquals("interrupted: 8 of 20 units stored (6 ok, 2 failed); 'harness all -c x.yaml' resumes",
        StudyLauncher.interruptLine(Optional.of(u), "x.yaml"));
    assertEquals("interrupted: every completed unit is stored; 'harness all -c x.yaml' resumes",
        StudyLauncher.interruptLine(Optional.empty(), "x.yaml"));
  }

  @Test
  void unitStatusLineNamesFailureTypesAndOtherRows() {
    UnitStatus u = new UnitStatus(8, 5, Map.of("TIMEOUT", 1L, "HTTP_5XX", 2L), 0, 4);
    assertEquals("units: 5 of 8 done, 3 failed (HTTP_5XX 2, TIMEOUT 1), 0 missing; 4 stored rows from other"
        + " configurations (not used)", u.line());
  }
}
