package dev.caravan.secrets;

import java.util.Map;

/**
 * A place where Caravan stores values sealed by {@link SecretBox} (a table and its columns), so
 * that they can be counted by the key that sealed them and re-sealed with the current key.
 * Implementations never return or log a value.
 */
public interface SealedValues {

    /** What the values are, for reports: {@code secondary_userstore}, {@code signing_key}. */
    String name();

    /** How many stored values each key sealed, by key id ({@link SecretBox#LEGACY} for the earlier form). */
    Map<String, Integer> census();

    /**
     * Re-seals with the current key every value another key sealed. Idempotent, and safe while
     * other nodes do the same or write: a row is written only if it still holds what was read.
     */
    Resealed reseal();

    /**
     * What one re-seal did.
     *
     * @param name           {@link #name()}
     * @param resealed       values now sealed with the current key that were not before
     * @param alreadyCurrent values the current key had sealed already
     * @param unreadable     values this node could not open (sealed with a key it does not hold); left as they are
     * @param changedMeanwhile values another node or writer changed between reading and writing; left to them
     */
    record Resealed(String name, int resealed, int alreadyCurrent, int unreadable, int changedMeanwhile) {}
}
