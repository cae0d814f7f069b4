package dev.harness.study.mc;

import dev.harness.HarnessException;
import dev.harness.study.Phase;
import dev.harness.study.Study;
import dev.harness.study.StudyContext;
import java.util.Map;

/** mc_eval: lm-eval-style multiple choice for a base model and its adapters, with paired statistics. */
public final class McEvalStudy implements Study {
  public static final String NAME = "mc_eval";

  @Override
  public String name() { return NAME; }

  @Override
  public Object phaseInputs(Phase phase, StudyContext ctx) { return Map.of(); }

  @Override
  public boolean outputsExist(Phase phase, StudyContext ctx) { return false; }

  @Override
  public String execute(Phase phase, StudyContext ctx) {
    throw new HarnessException("the mc_eval study is not built yet", 1, null);
  }
}
