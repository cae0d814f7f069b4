package dev.harness.study.control;

import dev.harness.HarnessException;
import dev.harness.study.Phase;
import dev.harness.study.Study;
import dev.harness.study.StudyContext;
import java.util.Map;

/** output_control: can a model make its next-token distribution match a stated target (TVD). */
public final class OutputControlStudy implements Study {
  public static final String NAME = "output_control";

  @Override
  public String name() { return NAME; }

  @Override
  public Object phaseInputs(Phase phase, StudyContext ctx) { return Map.of(); }

  @Override
  public boolean outputsExist(Phase phase, StudyContext ctx) { return false; }

  @Override
  public String execute(Phase phase, StudyContext ctx) {
    throw new HarnessException("the output_control study is not built yet", 1, null);
  }
}
