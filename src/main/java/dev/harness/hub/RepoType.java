package dev.harness.hub;

/** The kind of Hugging Face Hub repository: it decides the URL prefix and the cache folder prefix. */
public enum RepoType {
  MODEL("models", ""),
  DATASET("datasets", "datasets/");

  private final String cachePrefix;
  private final String urlPrefix;

  RepoType(String cachePrefix, String urlPrefix) {
    this.cachePrefix = cachePrefix;
    this.urlPrefix = urlPrefix;
  }

  /** Folder prefix in the cache: {@code models} or {@code datasets} (as in {@code models--org--name}). */
  public String cachePrefix() { return cachePrefix; }

  /** Path prefix in resolve URLs: empty for models, {@code datasets/} for datasets. */
  public String urlPrefix() { return urlPrefix; }

  /** Parses {@code model}/{@code models}/{@code dataset}/{@code datasets}, case-insensitive. */
  public static RepoType parse(String s) {
    switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "model": case "models": return MODEL;
      case "dataset": case "datasets": return DATASET;
      default: throw new IllegalArgumentException("repo type must be 'model' or 'dataset', got '" + s + "'");
    }
  }
}
