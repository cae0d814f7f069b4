package dev.harness.study.kl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.HarnessException;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TopLogprob;
import dev.harness.engine.openai.LogprobParser;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pass 1 over a dump: one streaming read, line by line, that validates every line and keeps, per prompt id, only the
 * byte offsets of its lines ({@link LineRef}; memory proportional to the number of lines, nothing per token). The
 * two dumps can then be joined on prompt_id in any order: pass 2 re-reads one prompt's lines at a time by seeking
 * ({@link #read}). Lines need not be sorted or grouped.
 */
public final class DumpIndex {
  /** Token texts collected from the first lines with log-probs, for the tokenizer check. */
  static final int VOCAB_SAMPLE_LINES = 200;

  private final Path path;
  private final String label;
  private final Map<String, List<LineRef>> byPrompt = new LinkedHashMap<>();
  private final Set<String> models = new LinkedHashSet<>();
  private final Set<String> tokenTexts = new HashSet<>();
  private long lines, usable, withLogprobs, withCross;

  private DumpIndex(Path path, String label) {
    this.path = path;
    this.label = label;
  }

  /** Scans {@code path}; problems go to {@code issues} with "file:line". Missing file: exit 2; read error: exit 1. */
  public static DumpIndex build(Path path, String label, ObjectMapper mapper, DumpIssues issues) {
    if (!Files.isRegularFile(path)) {
      throw HarnessException.usage("--" + label.toLowerCase() + " " + path + ": no such file");
    }
    DumpIndex idx = new DumpIndex(path, label);
    int vocabLines = 0;
    try (LineScanner sc = new LineScanner(path)) {
      while (sc.next()) {
        idx.lines++;
        if (isBlank(sc.bytes(), sc.length())) continue;
        String where = path.getFileName() + ":" + sc.lineNo();
        JsonNode line;
        try {
          line = mapper.readTree(sc.bytes(), 0, sc.length());
        } catch (IOException e) {
          issues.add(DumpIssues.Kind.MALFORMED_LINE, where + ": " + firstLine(e.getMessage()));
          continue;
        }
        if (line == null || !line.isObject()) {
          issues.add(DumpIssues.Kind.MALFORMED_LINE, where + ": not a JSON object");
          continue;
        }
        String id = DumpLine.promptId(line);
        JsonNode response = DumpLine.response(line);
        if (id == null || response == null) {
          issues.add(DumpIssues.Kind.MISSING_FIELD,
              where + ": " + (id == null ? "no prompt_id" : "no response object"));
          continue;
        }
        List<LineRef> refs = idx.byPrompt.computeIfAbsent(id, k -> new ArrayList<>());
        int sample = DumpLine.sampleIndex(line);
        if (sample < 0) sample = refs.isEmpty() ? 0 : refs.get(refs.size() - 1).sampleIndex() + 1;
        int s = sample;
        if (refs.stream().anyMatch(r -> r.sampleIndex() == s)) {
          issues.add(DumpIssues.Kind.DUPLICATE_SAMPLE, where + ": prompt_id " + id + " sample_index " + s);
          continue;
        }
        List<TokenLogprob> tokens = LogprobParser.tokens(response);
        boolean hasLp = !tokens.isEmpty() && LogprobParser.hasLogprobs(response.path("choices").path(0));
        if (!hasLp) {
          issues.add(DumpIssues.Kind.MISSING_LOGPROBS, where + ": prompt_id " + id + " (model "
              + line.path("model").asText("?") + ", provider " + response.path("provider").asText("?") + ")");
        }
        boolean hasCross = false;
        if (DumpLine.crossResponse(line) != null && hasLp) {
          hasCross = DumpLine.crossAligned(tokens, DumpLine.crossTokens(line));
          if (!hasCross) issues.add(DumpIssues.Kind.CROSS_MISMATCH, where + ": prompt_id " + id);
        }
        refs.add(new LineRef(sc.offset(), sc.length(), sc.lineNo(), sample, hasLp, hasCross));
        idx.usable++;
        if (hasLp) idx.withLogprobs++;
        if (hasCross) idx.withCross++;
        String model = line.path("model").asText("");
        if (!model.isEmpty()) idx.models.add(model);
        if (hasLp && vocabLines < VOCAB_SAMPLE_LINES) {
          vocabLines++;
          for (TokenLogprob t : tokens) {
            idx.tokenTexts.add(t.token());
            for (TopLogprob a : t.top()) idx.tokenTexts.add(a.token());
          }
        }
      }
    } catch (IOException e) {
      throw HarnessException.failure("reading " + path + ": " + e.getMessage(), e);
    }
    idx.byPrompt.values().removeIf(List::isEmpty);
    return idx;
  }

  /** Re-reads the lines of one prompt (sorted by sample_index) from an open file. */
  public List<DumpRecord> read(RandomAccessFile file, String promptId, ObjectMapper mapper) {
    List<LineRef> refs = new ArrayList<>(byPrompt.getOrDefault(promptId, List.of()));
    refs.sort(java.util.Comparator.comparingInt(LineRef::sampleIndex));
    List<DumpRecord> out = new ArrayList<>(refs.size());
    for (LineRef r : refs) {
      String where = path.getFileName() + ":" + r.lineNo();
      try {
        byte[] b = new byte[r.length()];
        file.seek(r.offset());
        file.readFully(b);
        out.add(DumpLine.parse(mapper.readTree(b), r.sampleIndex(), where));
      } catch (IOException e) {
        throw HarnessException.failure(where + ": re-reading the line failed (file changed during the run?): "
            + e.getMessage(), e);
      }
    }
    return out;
  }

  LineRef ref(String promptId, int sampleIndex) {
    for (LineRef r : byPrompt.getOrDefault(promptId, List.of())) if (r.sampleIndex() == sampleIndex) return r;
    return null;
  }

  List<LineRef> refs(String promptId) { return byPrompt.getOrDefault(promptId, List.of()); }

  public RandomAccessFile open() {
    try {
      return new RandomAccessFile(path.toFile(), "r");
    } catch (IOException e) {
      throw HarnessException.failure("opening " + path + ": " + e.getMessage(), e);
    }
  }

  public Path path() { return path; }

  public String label() { return label; }

  /** Prompt ids in order of first appearance. */
  public Set<String> promptIds() { return byPrompt.keySet(); }

  public Set<String> models() { return models; }

  Set<String> tokenTexts() { return tokenTexts; }

  public long lines() { return lines; }

  public long usableLines() { return usable; }

  public long linesWithLogprobs() { return withLogprobs; }

  public long linesWithCross() { return withCross; }

  private static boolean isBlank(byte[] b, int n) {
    for (int i = 0; i < n; i++) if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') return false;
    return true;
  }

  private static String firstLine(String s) {
    if (s == null) return "invalid JSON";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
