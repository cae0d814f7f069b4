package dev.harness.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One long-context QA item in LongBench form.
 *
 * @param id LongBench {@code _id}
 * @param context the long document ({@code context})
 * @param input the question ({@code input})
 * @param answers the gold answers (at least one)
 * @param extra every other field of the record, in file order: {@code length}, {@code dataset}, {@code language},
 *     {@code all_classes} (null values kept)
 */
public record Example(String id, String context, String input, List<String> answers, Map<String, Object> extra) {
  public Example {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(input, "input");
    answers = List.copyOf(answers);
    extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
  }
}
