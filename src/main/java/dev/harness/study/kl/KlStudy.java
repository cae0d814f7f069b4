package dev.harness.study.kl;

import dev.harness.HarnessException;
import dev.harness.study.Phase;
import dev.harness.study.Study;
import dev.harness.study.StudyContext;
import java.util.Map;

/** kl: which prompts make two models (or a model and its fine-tune) diverge most. */
public final class KlStudy implements Study {
  public static final String NAME = "kl";

  @Override
  public String name() { return NAME; }

  @Override
  public Object phaseInputs(Phase phase, StudyContext ctx) { return Map.of(); }

  @Override
  public boolean outputsExist(Phase phase, StudyContext ctx) { return false; }

  @Override
  public String execute(Phase phase, StudyContext ctx) {
    throw new HarnessException("the kl study is not built yet", 1, null);
  }
}
