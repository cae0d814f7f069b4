package dev.harness.engine;

import java.util.List;

/**
 * Several prompts generated in one call (one left-padded batch in process, one list-prompt request over HTTP). Results
 * come back in request order, each as {@link Engine#complete} would give it.
 */
public interface BatchGeneration {
  List<Completion> completeBatch(List<CompletionRequest> requests);
}
