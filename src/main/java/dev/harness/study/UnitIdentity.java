package dev.harness.study;

/**
 * The one hashing rule for unit identities: a study's identity record (everything that decides a unit's output) as
 * compact JSON, hashed with {@link Json#sha256}. The hash goes into the unit key, so a changed input makes a new unit
 * and the old rows stay stored under their own key (not current: score, analyze and report skip them).
 */
public final class UnitIdentity {
  private UnitIdentity() {}

  /** The first 12 hex digits of the SHA-256 of {@code identity}'s JSON. */
  public static String hash(Object identity) {
    return Json.sha256(Json.write(identity)).substring(0, 12);
  }
}
