package dev.caravan.jwt;

import dev.caravan.registry.Db;
import dev.caravan.secrets.SealedValues;
import dev.caravan.secrets.SecretBox;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionOperations;

/**
 * The {@code signing_key} table. Private keys are stored sealed by {@link SecretBox}, bound to the
 * key's kid ({@code signing_key/<kid>}), so a sealed key copied to another row does not open.
 * Rows from before sealing hold the PKCS#8 key as plain base64: {@link #sealPlaintext()} seals
 * them, and may run on several nodes at once (each row is written only while it still holds the
 * plaintext that was read).
 */
@Repository
public class SigningKeyRepository implements SealedValues {
    private static final Logger log = LoggerFactory.getLogger(SigningKeyRepository.class);

    /** One stored key. {@code privateKey} is sealed, or plain base64 on a row not sealed yet. */
    record Row(String kid, String algorithm, String publicKey, String privateKey, Instant createdAt,
               Instant notBefore, Instant retireAfter, boolean active) {
        @Override
        public String toString() {
            return "Row[kid=" + kid + ", notBefore=" + notBefore + ", retireAfter=" + retireAfter + ", active=" + active + "]";
        }
    }

    private final JdbcClient jdbc;
    private final SecretBox box;
    private final TransactionOperations transactions;

    /** {@code transactions} runs on the data source of {@code jdbc} (Spring's transaction manager does). */
    @Autowired
    public SigningKeyRepository(JdbcClient jdbc, SecretBox box, TransactionOperations transactions) {
        this.jdbc = jdbc;
        this.box = box;
        this.transactions = transactions;
    }

    /** Without transactions: each statement commits on its own (one node alone on its database). */
    public SigningKeyRepository(JdbcClient jdbc, SecretBox box) {
        this(jdbc, box, TransactionOperations.withoutTransaction());
    }

    /**
     * Runs {@code makeFirst} when no key may be published at {@code now}, holding the database's
     * registry lock (the {@code registry_version} row) from the look to the insert: of several nodes
     * starting at once on an empty database, one makes the first key and the others find it, so
     * there is never a second key signing beside it.
     */
    void ifNoneLive(Instant now, Runnable makeFirst) {
        transactions.executeWithoutResult(status -> {
            jdbc.sql("select version from registry_version where id = 1 for update").query(Long.class).single();
            if (live(now).isEmpty()) {
                makeFirst.run();
            }
        });
    }

    static String context(String kid) {
        return "signing_key/" + kid;
    }

    /** Every stored key, oldest first. */
    List<Row> all() {
        return jdbc.sql("select kid, algorithm, public_key, private_key, created_at, not_before, retire_after, active"
                        + " from signing_key order by not_before, kid")
                .query((rs, n) -> new Row(rs.getString("kid"), rs.getString("algorithm"), rs.getString("public_key"),
                        rs.getString("private_key"), Db.instant(rs, "created_at"), Db.instant(rs, "not_before"),
                        Db.instant(rs, "retire_after"), rs.getBoolean("active")))
                .list();
    }

    /** The keys that may still be published at {@code now}: active, not retired. */
    List<Row> live(Instant now) {
        return all().stream().filter(row -> row.active()
                && (row.retireAfter() == null || row.retireAfter().isAfter(now))).toList();
    }

    /** The private key of {@code row} as plain base64 PKCS#8, opened with the key that sealed it. */
    String privateKey(Row row) {
        return SecretBox.isSealed(row.privateKey()) ? box.open(row.privateKey(), context(row.kid())) : row.privateKey();
    }

    /** Seals every private key still stored in plain; answers how many this node sealed. */
    int sealPlaintext() {
        int sealed = 0;
        for (Row row : all()) {
            if (SecretBox.isSealed(row.privateKey())) {
                continue;
            }
            String value = box.seal(row.privateKey(), context(row.kid()));
            sealed += jdbc.sql("update signing_key set private_key = ? where kid = ? and private_key = ?")
                    .params(value, row.kid(), row.privateKey()).update();
        }
        if (sealed > 0) {
            log.info("sealed the private half of {} signing key(s) stored before sealing (caravan.secrets key {})",
                    sealed, box.currentKeyId());
        }
        return sealed;
    }

    void insert(String kid, String algorithm, String privateKeyBase64, String publicKeyBase64, Instant createdAt,
                Instant notBefore) {
        jdbc.sql("""
                insert into signing_key(kid, algorithm, private_key, public_key, active, created_at, not_before)
                values (?, ?, ?, ?, ?, ?, ?)""")
                .params(kid, algorithm, box.seal(privateKeyBase64, context(kid)), publicKeyBase64, true,
                        Db.ts(createdAt), Db.ts(notBefore))
                .update();
    }

    /** Gives {@code kid} its retire time, unless it has one already; answers whether this call set it. */
    boolean scheduleRetirement(String kid, Instant retireAfter) {
        return jdbc.sql("update signing_key set retire_after = ? where kid = ? and retire_after is null and active = ?")
                .params(Db.ts(retireAfter), kid, true).update() == 1;
    }

    /** Removes a key that never signed (a rotation that lost a race with another). */
    void deletePending(String kid, Instant now) {
        jdbc.sql("delete from signing_key where kid = ? and not_before > ?").params(kid, Db.ts(now)).update();
    }

    @Override
    public String name() {
        return "signing_key";
    }

    @Override
    public Map<String, Integer> census() {
        Map<String, Integer> counts = new TreeMap<>();
        for (Row row : all()) {
            String id = SecretBox.keyIdOf(row.privateKey());
            counts.merge(id == null ? "unsealed" : id, 1, Integer::sum);
        }
        return counts;
    }

    @Override
    public Resealed reseal() {
        int resealed = 0;
        int current = 0;
        int unreadable = 0;
        int changed = 0;
        for (Row row : all()) {
            if (box.isCurrent(row.privateKey())) {
                current++;
                continue;
            }
            String value;
            try {
                value = SecretBox.isSealed(row.privateKey())
                        ? box.reseal(row.privateKey(), context(row.kid()))
                        : box.seal(row.privateKey(), context(row.kid()));
            } catch (IllegalStateException e) {
                log.warn("signing key {}: its private key cannot be re-sealed: {}", row.kid(), e.getMessage());
                unreadable++;
                continue;
            }
            if (jdbc.sql("update signing_key set private_key = ? where kid = ? and private_key = ?")
                    .params(value, row.kid(), row.privateKey()).update() == 1) {
                resealed++;
            } else {
                changed++;
            }
        }
        return new Resealed(name(), resealed, current, unreadable, changed);
    }
}
