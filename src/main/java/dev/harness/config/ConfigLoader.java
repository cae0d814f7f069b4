package dev.harness.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads a YAML config into {@link ExperimentConfig}: applies {@code --set key.path=value} overrides, then
 * {@code ${output.root}} references ({@link OutputRootRefs}), rejects unknown
 * keys and wrong types with the field path, fills engine defaults from the environment ({@link EnvDefaults}), runs
 * {@link ConfigValidator}, then resolves {@code dtype: auto} ({@link DtypeDefaults}).
 */
public final class ConfigLoader {
  private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory())
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .build();

  private ConfigLoader() {}

  /** The mapper used for configs (snake_case, strict). Also used to snapshot a config as JSON. */
  public static ObjectMapper mapper() { return YAML; }

  /**
   * Loads and validates a study config; {@code studies} names the record each study's own sections bind to (as
   * {@code study.StudyRegistry.loadConfig} passes it).
   */
  public static ExperimentConfig load(Path file, List<String> overrides, Env env, StudyBinding studies) {
    JsonNode tree = readTree(file, "'study' and 'output'");
    ObjectNode root = (ObjectNode) tree;
    for (String o : overrides) {
      Overrides.apply(root, o, file.toString());
    }
    checkSections(root, file.toString());
    OutputRootRefs.resolve(root, file.toString());
    ExperimentConfig cfg = bind(root, file.toString(), studies);
    cfg = EnvDefaults.apply(cfg, env);
    ConfigValidator.validate(cfg, file.toString());
    return DtypeDefaults.apply(cfg, dev.harness.engine.local.DeviceChoice::cuda); // after validation: a bad config fails before DJL loads
  }

  /** The sections every study reads, bound before the study's own. */
  record CommonSections(String study, OutputConfig output, EngineConfig engine, List<EngineConfig> engines,
      GenerationConfig generation, AnalysisConfig analysis) {}

  /** The keys bound to {@link CommonSections}: {@link StudyKind#COMMON} and {@code engines}. */
  static final java.util.Set<String> COMMON_KEYS = commonKeys();

  private static java.util.Set<String> commonKeys() {
    java.util.Set<String> s = new java.util.LinkedHashSet<>(StudyKind.COMMON);
    s.add("engines");
    return java.util.Set.copyOf(s);
  }

  /**
   * Binds the common sections, then (once {@code study:} names a study) the study's own sections to the record
   * {@code studies} names for it. With no known study only the common sections are bound, so the validator names the
   * missing or unknown {@code study:} first. Field paths in errors are the config's own ({@code kv.budgets[0]}).
   */
  static ExperimentConfig bind(ObjectNode root, String file, StudyBinding studies) {
    JsonNode study = root.get("study");
    StudyKind kind = study != null && study.isTextual() ? StudyKind.byId(study.asText()).orElse(null) : null;
    ObjectNode common = YAML.createObjectNode();
    ObjectNode own = YAML.createObjectNode();
    for (var it = root.fields(); it.hasNext(); ) {
      var e = it.next();
      (COMMON_KEYS.contains(e.getKey()) ? common : own).set(e.getKey(), e.getValue());
    }
    CommonSections c = convert(common, CommonSections.class, file);
    StudySection section = kind == null ? null : convert(own, studies.sectionType(kind), file);
    return new ExperimentConfig(c.study(), c.output(), c.engine(), c.engines(), c.generation(), c.analysis(), section);
  }

  /**
   * Binds the study's sections once {@code study:} is read: a top-level key that is neither common nor the study's own
   * (see {@link StudyKind}) is an unknown key, named with the study and, where another study owns it, that study. An
   * absent or unknown {@code study:} is left to {@link ConfigValidator}, which names the choices.
   */
  static void checkSections(ObjectNode root, String file) {
    JsonNode study = root.get("study");
    if (study == null || !study.isTextual()) return;
    StudyKind kind = StudyKind.byId(study.asText()).orElse(null);
    if (kind == null) return;
    java.util.Set<String> accepted = kind.acceptedKeys();
    for (java.util.Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (accepted.contains(key)) continue;
      List<String> owners = StudyKind.owners(key);
      if (owners.isEmpty()) {
        throw new ConfigException(file, key, "unknown key '" + key + "' for study " + kind.id() + " (expected one of: "
            + String.join(", ", new java.util.TreeSet<>(accepted)) + ")");
      }
      throw new ConfigException(file, key, "unknown key '" + key + "' for study " + kind.id() + " (it is a section of "
          + String.join(", ", owners) + "; " + kind.id() + " accepts: " + String.join(", ", accepted) + ")");
    }
  }

  /**
   * Reads a YAML config file into a tree whose top level is a mapping; a missing, unreadable, invalid or empty file is
   * a {@link ConfigException} naming it ({@code required} names the top-level keys the message asks for).
   */
  public static JsonNode readTree(Path file, String required) {
    String name = file.toString();
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(name, null, "config file not found");
    } catch (IOException e) {
      throw new ConfigException(name, null, "cannot read config: " + e.getMessage());
    }
    JsonNode tree;
    try {
      tree = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where = loc == null ? "" : "line " + loc.getLineNr() + " column " + loc.getColumnNr();
      throw new ConfigException(name, where, "invalid YAML (" + e.getOriginalMessage() + ")");
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      throw new ConfigException(name, null, "config is empty; expected a mapping with at least " + required);
    }
    if (!tree.isObject()) {
      throw new ConfigException(name, null, "expected a mapping at the top level, got " + tree.getNodeType());
    }
    return tree;
  }

  /** Converts a YAML tree to a record, turning Jackson's errors into one line with the field path. */
  public static <T> T convert(JsonNode node, Class<T> type, String file) {
    try {
      return YAML.treeToValue(node, type);
    } catch (UnrecognizedPropertyException e) {
      String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
          .map(Object::toString).sorted().collect(Collectors.joining(", "));
      throw new ConfigException(file, path(e), "unknown key '" + e.getPropertyName() + "'"
          + (known.isEmpty() ? "" : " (expected one of: " + known + ")"));
    } catch (MismatchedInputException e) {
      throw new ConfigException(file, path(e), "expected " + describe(e.getTargetType()) + ", got " + found(node, e));
    } catch (JsonMappingException e) {
      Throwable root = e;
      while (root.getCause() != null) root = root.getCause();
      throw new ConfigException(file, path(e), root.getMessage() == null ? e.getOriginalMessage() : root.getMessage());
    } catch (JsonProcessingException e) {
      throw new ConfigException(file, null, e.getOriginalMessage());
    }
  }

  static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) sb.append('.');
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String found(JsonNode root, JsonMappingException e) {
    JsonNode n = root;
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (n == null) break;
      n = ref.getFieldName() != null ? n.get(ref.getFieldName()) : n.get(ref.getIndex());
    }
    if (n == null) return "nothing";
    if (n.isTextual()) return "\"" + n.asText() + "\"";
    if (n.isContainerNode()) return n.isArray() ? "a list" : "a mapping";
    return n.toString();
  }

  private static String describe(Class<?> t) {
    if (t == null) return "another type";
    if (t == Integer.class || t == int.class || t == Long.class || t == long.class) return "an integer";
    if (t == Double.class || t == double.class || t == Float.class) return "a number";
    if (t == Boolean.class || t == boolean.class) return "true or false";
    if (t == String.class) return "a string";
    if (List.class.isAssignableFrom(t)) return "a list";
    if (Map.class.isAssignableFrom(t) || t.isRecord()) return "a mapping";
    return "a " + t.getSimpleName();
  }
}
