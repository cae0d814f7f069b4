package dev.harness.bench;

import java.util.List;

/**
 * A table of extra results a {@link BenchStage} adds to the report (e.g. decode speed per KV budget): rows of
 * values in column order; JSON renders each row as an object keyed by column.
 */
public record Section(String key, String title, List<String> columns, List<List<Object>> rows) {
  public Section {
    columns = List.copyOf(columns);
    rows = rows.stream().map(r -> java.util.Collections.unmodifiableList(new java.util.ArrayList<>(r))).toList();
  }
}
