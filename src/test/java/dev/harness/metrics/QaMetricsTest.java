package dev.harness.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class QaMetricsTest {
  private static final double EPS = 1e-12;

  @Test
  void normalizeLowercasesStripsPunctuationArticlesAndWhitespace() {
    assertEquals("cat sat on mat", QaMetrics.normalize("The cat sat on the mat."));
    assertEquals("dont stop", QaMetrics.normalize("  Don't   STOP!! "));
    // articles only as whole words: "another", "theme", "bean" keep their letters
    assertEquals("another theme bean", QaMetrics.normalize("An another the theme a bean"));
    // punctuation removed before articles: "the-end" -> "theend" (no article left)
    assertEquals("theend", QaMetrics.normalize("the-end"));
    // every ASCII punctuation character goes, non-ASCII letters stay
    assertEquals("café 42", QaMetrics.normalize("\"Café\" (42)!?#$%&*+,-./:;<=>@[\\]^_`{|}~"));
    assertEquals("", QaMetrics.normalize("The, a; an."));
    assertEquals("", QaMetrics.normalize(null));
    assertEquals("new york", QaMetrics.normalize("New\tYork\n"));
  }

  @Test
  void f1HandWorked() {
    // pred tokens [cat, sat], gold [cat, sat, on, mat]: overlap 2, P=1, R=0.5, F1=2/3
    assertEquals(2.0 / 3.0, QaMetrics.f1("The cat sat.", "the cat sat on the mat"), EPS);
    // punctuation and case do not matter
    assertEquals(1.0, QaMetrics.f1("Paris!", "paris"), EPS);
    // no overlap
    assertEquals(0.0, QaMetrics.f1("London", "Paris"), EPS);
    // pred [new, york, city], gold [york]: P=1/3, R=1, F1=0.5
    assertEquals(0.5, QaMetrics.f1("New York City", "York"), EPS);
  }

  @Test
  void f1UsesMultisetOverlap() {
    // pred [the->removed] [dog, dog, dog], gold [dog, cat]: overlap min(3,1)=1, P=1/3, R=1/2, F1=0.4
    assertEquals(0.4, QaMetrics.f1("dog dog dog", "dog cat"), EPS);
    // pred [dog, dog], gold [dog, dog, cat]: overlap 2, P=1, R=2/3, F1=0.8
    assertEquals(0.8, QaMetrics.f1("dog dog", "dog dog cat"), EPS);
  }

  @Test
  void emptyPredictionScoresZero() {
    assertEquals(0.0, QaMetrics.f1("", "Paris"), EPS);
    assertEquals(0.0, QaMetrics.f1("   ", "Paris"), EPS);
    assertEquals(0.0, QaMetrics.f1(null, "Paris"), EPS);
    // both empty after normalisation: LongBench returns 0 (no common token); so do we, for F1 and EM
    assertEquals(0.0, QaMetrics.f1("The.", "a"), EPS);
    assertEquals(0.0, QaMetrics.exactMatch("The.", "a"), EPS);
  }

  @Test
  void exactMatchOnNormalisedStrings() {
    assertEquals(1.0, QaMetrics.exactMatch("The Eiffel Tower.", "eiffel tower"), EPS);
    assertEquals(0.0, QaMetrics.exactMatch("Eiffel Tower in Paris", "eiffel tower"), EPS);
  }

  @Test
  void maxOverMultipleGoldAnswers() {
    List<String> golds = List.of("his father", "the old king", "King Lear");
    // vs "his father": no overlap; vs "the old king": [king] P=1/2 R=1/2 F1=0.5; vs "King Lear": exact -> 1
    assertEquals(1.0, QaMetrics.maxF1("king lear", golds), EPS);
    assertEquals(0.5, QaMetrics.maxF1("king john", List.of("his father", "the old king")), EPS);
    assertEquals(1.0, QaMetrics.maxExactMatch("The old king!", golds), EPS);
    assertEquals(0.0, QaMetrics.maxExactMatch("old king lear", golds), EPS);
    assertEquals(0.0, QaMetrics.maxF1("anything", List.of()), EPS);
  }
}
