package dev.harness.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Turns a {@code --model} / {@code engine.model} value into a local checkpoint folder: an existing directory as is, or a
 * Hub id {@code org/name[@revision]} fetched into the HF cache (snapshot folder returned).
 *
 * <p>Files fetched for a hub id: {@code config.json}, {@code tokenizer.json}, {@code tokenizer_config.json} (required);
 * {@code generation_config.json}, {@code special_tokens_map.json} (optional: absent is fine); weights
 * {@code model.safetensors}, or else {@code model.safetensors.index.json} and every shard its {@code weight_map}
 * names. All files come from one commit: the first file fixes the commit the revision stands for.
 */
public final class ModelLocator {
  static final List<String> REQUIRED = List.of("config.json", "tokenizer.json", "tokenizer_config.json");
  static final List<String> OPTIONAL = List.of("generation_config.json", "special_tokens_map.json");
  static final String WEIGHTS = "model.safetensors";
  static final String WEIGHTS_INDEX = "model.safetensors.index.json";

  private ModelLocator() {}

  public static Path resolve(String modelIdOrPath, HubClient hub) {
    if (modelIdOrPath == null || modelIdOrPath.isBlank()) throw new HubException("model is empty");
    Path asPath = Path.of(modelIdOrPath);
    if (Files.isDirectory(asPath)) return asPath;
    if (looksLikePath(modelIdOrPath)) {
      throw new HubException("model directory not found: " + modelIdOrPath);
    }
    int at = modelIdOrPath.indexOf('@');
    String repoId = at < 0 ? modelIdOrPath : modelIdOrPath.substring(0, at);
    String revision = at < 0 ? "main" : modelIdOrPath.substring(at + 1);
    if (revision.isBlank()) throw new HubException("empty revision after '@' in model '" + modelIdOrPath + "'");
    HfCacheLayout.checkRepoId(repoId);

    HubClient.CachedFile config = hub.fetch(RepoType.MODEL, repoId, revision, REQUIRED.get(0), true).orElseThrow();
    String commit = config.commit();
    for (String f : REQUIRED.subList(1, REQUIRED.size())) hub.file(RepoType.MODEL, repoId, commit, f);
    for (String f : OPTIONAL) hub.optionalFile(RepoType.MODEL, repoId, commit, f);

    Optional<Path> single = hub.optionalFile(RepoType.MODEL, repoId, commit, WEIGHTS);
    if (single.isEmpty()) {
      Optional<Path> index = hub.optionalFile(RepoType.MODEL, repoId, commit, WEIGHTS_INDEX);
      if (index.isEmpty()) {
        throw new HubException("model '" + repoId + "' (revision " + revision + "): neither " + WEIGHTS + " nor "
            + WEIGHTS_INDEX + " is available" + (hub.settings().offline()
                ? " in the cache (HF_HUB_OFFLINE=1 is set; looked in "
                    + HfCacheLayout.snapshotDir(HfCacheLayout.repoDir(hub.settings().hubCache(), RepoType.MODEL,
                        repoId), commit) + ")"
                : " in the repository (only safetensors weights are supported)"));
      }
      for (String shard : shardsOf(index.get())) hub.file(RepoType.MODEL, repoId, commit, shard);
    }
    return config.path().getParent();
  }

  /** The distinct shard file names in an index's {@code weight_map}, sorted. */
  static List<String> shardsOf(Path indexFile) {
    JsonNode map;
    try {
      map = new ObjectMapper().readTree(indexFile.toFile()).get("weight_map");
    } catch (IOException e) {
      throw new HubException("cannot read " + indexFile + ": " + e.getMessage(), e);
    }
    if (map == null || !map.isObject() || map.isEmpty()) {
      throw new HubException(indexFile + ": expected a non-empty object 'weight_map' (tensor name -> shard file)");
    }
    TreeSet<String> shards = new TreeSet<>();
    for (Iterator<JsonNode> it = map.elements(); it.hasNext(); ) {
      JsonNode v = it.next();
      if (!v.isTextual()) throw new HubException(indexFile + ": weight_map values must be file names, got " + v);
      HfCacheLayout.checkFilename(v.asText());
      shards.add(v.asText());
    }
    return new ArrayList<>(shards);
  }

  /** Absolute, relative ({@code ./}, {@code ../}), home-relative, or with more than one {@code /} before any '@'. */
  private static boolean looksLikePath(String s) {
    if (s.startsWith("/") || s.startsWith(".") || s.startsWith("~") || s.contains("\\")) return true;
    String beforeAt = s.contains("@") ? s.substring(0, s.indexOf('@')) : s;
    return beforeAt.chars().filter(c -> c == '/').count() > 1;
  }
}
