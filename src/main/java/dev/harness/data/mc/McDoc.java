package dev.harness.data.mc;

import java.util.List;
import java.util.Map;

/**
 * One document of a multiple-choice task. {@code docId}: its 0-based position in the source file (lm-eval's
 * {@code doc_id}); {@code gold}: the index of the correct choice (ARC: answerKey's position in choices.label;
 * mc1: 0); {@code labels}: 1/0 per choice (mc2's true answers; for the others 1 at gold). {@code doc}: the document
 * in the Hugging Face layout, as lm-eval's samples files print it.
 */
public record McDoc(int docId, String sourceId, String question, List<String> choices, int gold, List<Integer> labels,
    Map<String, Object> doc) {

  public McDoc {
    choices = List.copyOf(choices);
    labels = List.copyOf(labels);
    if (choices.size() != labels.size()) {
      throw new IllegalArgumentException("doc " + docId + ": " + choices.size() + " choices but " + labels.size() + " labels");
    }
  }
}
