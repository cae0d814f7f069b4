package dev.harness.study.kv;

import dev.harness.config.ConfigException;
import dev.harness.config.ExperimentConfig;
import dev.harness.data.Bin;
import dev.harness.data.Example;
import dev.harness.data.LengthBinner;
import dev.harness.data.LengthMeasure;
import dev.harness.data.LongBenchPrompt;
import dev.harness.data.LongBenchReader;
import dev.harness.data.Manifest;
import dev.harness.data.ManifestEntry;
import dev.harness.data.Sampler;
import dev.harness.data.SamplingSpec;
import dev.harness.engine.Tokenizer;
import dev.harness.hub.HubClient;
import dev.harness.hub.HubSettings;
import dev.harness.study.Json;
import dev.harness.study.StudyContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** prepare: read the dataset, measure prompts in tokens, bin, sample, write the manifest and the data tables. */
final class KvPrepare {
  private final StudyContext ctx;

  KvPrepare(StudyContext ctx) { this.ctx = ctx; }

  static Path manifestPath(StudyContext ctx) {
    ExperimentConfig c = ctx.config();
    var e = c.engine();
    String key = Manifest.key(c.section(KvStudyConfig.class).sampling(), c.section(KvStudyConfig.class).bins(), e == null ? null : e.kind(), e == null ? null : e.model(),
        e == null ? null : e.tokenizer());
    return Manifest.keyedPath(ctx.dataDir(), c.section(KvStudyConfig.class).dataset().datasetId(), key);
  }

  String execute() {
    ExperimentConfig c = ctx.config();
    String source = c.section(KvStudyConfig.class).dataset().source();
    // a local source's existence is checked before anything is written (config.ConfigFiles)
    List<Example> examples = LongBenchReader.read(source, c.section(KvStudyConfig.class).dataset().task(), c.section(KvStudyConfig.class).dataset().split(),
        source.startsWith("hf://") ? new HubClient(HubSettings.fromEnv()) : null);
    Optional<Tokenizer> tok = ctx.engines().tokenizer(c.engine(), ctx.configPath());
    LengthMeasure measure = tok.map(LengthMeasure::of).orElseGet(LengthMeasure::approximate);
    if (tok.isEmpty()) {
      ctx.log("[prepare] no tokenizer for this engine (set engine.tokenizer): prompt lengths use " + measure.name());
    }
    Map<String, Integer> lengthById = new LinkedHashMap<>();
    int[] lengths = new int[examples.size()];
    for (int i = 0; i < examples.size(); i++) {
      Example e = examples.get(i);
      int n = measure.length(LongBenchPrompt.build(e));
      lengthById.put(e.id(), n);
      lengths[i] = n;
    }
    List<Bin> bins = c.section(KvStudyConfig.class).bins().edges() != null ? LengthBinner.explicitBins(c.section(KvStudyConfig.class).bins().edges())
        : LengthBinner.quantileBins(lengths, c.section(KvStudyConfig.class).bins().count());
    SamplingSpec spec = new SamplingSpec(c.section(KvStudyConfig.class).sampling().strategy(), c.section(KvStudyConfig.class).sampling().nPerBin(), c.section(KvStudyConfig.class).sampling().seed(),
        c.section(KvStudyConfig.class).sampling().ids(), c.section(KvStudyConfig.class).sampling().focusBins(), c.section(KvStudyConfig.class).sampling().focusFactor());
    List<ManifestEntry> entries = Sampler.sample(examples, lengthById, bins, spec);
    if (entries.isEmpty()) {
      throw new ConfigException(ctx.configPath(), "bins", "no example falls into any bin (" + examples.size()
          + " examples, lengths " + (lengths.length == 0 ? "none" : java.util.Arrays.stream(lengths).min().getAsInt()
          + "–" + java.util.Arrays.stream(lengths).max().getAsInt()) + " tokens)");
    }

    Map<String, Example> byId = new HashMap<>();
    examples.forEach(e -> byId.put(e.id(), e));
    List<Example> sampled = entries.stream().map(e -> byId.get(e.exampleId())).toList();
    String datasetId = c.section(KvStudyConfig.class).dataset().datasetId();
    Path manifestFile = manifestPath(ctx);
    Manifest manifest = new Manifest(datasetId, source, c.section(KvStudyConfig.class).dataset().task(), c.section(KvStudyConfig.class).dataset().split(), measure.name(), bins,
        entries, sampled, "harness", spec);
    Manifest.write(manifestFile, manifest);

    List<KvDataTables.ExampleRow> exampleRows = new ArrayList<>();
    for (Example e : examples) {
      Object words = e.extra() == null ? null : e.extra().get("length");
      exampleRows.add(new KvDataTables.ExampleRow(e.id(), e.input(), e.context(), Json.write(e.answers()),
          words instanceof Number nw ? nw.intValue() : null, lengthById.get(e.id()), Json.write(e.extra())));
    }
    List<KvDataTables.BinRow> binRows = bins.stream()
        .map(b -> new KvDataTables.BinRow(b.index(), b.lo(), b.hi(), b.label())).toList();
    List<KvDataTables.EntryRow> entryRows = entries.stream()
        .map(e -> new KvDataTables.EntryRow(e.exampleId(), e.binIndex(), e.promptTokens())).toList();
    new KvDataTables(ctx.store()).replace(new KvDataTables.DatasetRow(datasetId, c.section(KvStudyConfig.class).dataset().name(), c.section(KvStudyConfig.class).dataset().task(),
        source, c.section(KvStudyConfig.class).dataset().split(), examples.size(), measure.name(), manifestFile.toString()), exampleRows, binRows, entryRows);

    Map<Integer, Long> perBin = new LinkedHashMap<>();
    entries.forEach(e -> perBin.merge(e.binIndex(), 1L, Long::sum));
    return examples.size() + " examples read, " + bins.size() + " bins, " + entries.size() + " sampled " + perBin
        + " (lengths by " + measure.name() + "); manifest " + manifestFile;
  }
}
