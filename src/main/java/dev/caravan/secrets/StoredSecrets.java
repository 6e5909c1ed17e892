package dev.caravan.secrets;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Every stored secret, as counts by the key that sealed it and as a whole to re-seal with the
 * current key: at start-up ({@code caravan.secrets.reseal-on-start}) and through the admin API.
 * Reports hold counts and key ids, never a value.
 */
@Component
public class StoredSecrets {
    private static final Logger log = LoggerFactory.getLogger(StoredSecrets.class);

    /** The keys this node holds and how many stored values each key sealed, per place. */
    public record Census(String currentKeyId, List<String> previousKeyIds, Map<String, Map<String, Integer>> sealedBy) {}

    /** What a re-seal did, per place and in total. */
    public record Report(String currentKeyId, List<SealedValues.Resealed> places, int resealed, int alreadyCurrent,
                         int unreadable, int changedMeanwhile) {}

    private final List<SealedValues> places;
    private final SecretBox box;
    private final SecretsProperties properties;

    public StoredSecrets(List<SealedValues> places, SecretBox box, SecretsProperties properties) {
        this.places = List.copyOf(places);
        this.box = box;
        this.properties = properties;
    }

    public Census census() {
        Map<String, Map<String, Integer>> sealedBy = new TreeMap<>();
        for (SealedValues place : places) {
            sealedBy.put(place.name(), place.census());
        }
        return new Census(box.currentKeyId(), box.previousKeyIds(), sealedBy);
    }

    /** Re-seals with the current key every stored value another key sealed. Idempotent. */
    public Report reseal() {
        List<SealedValues.Resealed> done = new ArrayList<>();
        int resealed = 0;
        int current = 0;
        int unreadable = 0;
        int changed = 0;
        for (SealedValues place : places) {
            SealedValues.Resealed result = place.reseal();
            done.add(result);
            resealed += result.resealed();
            current += result.alreadyCurrent();
            unreadable += result.unreadable();
            changed += result.changedMeanwhile();
        }
        return new Report(box.currentKeyId(), done, resealed, current, unreadable, changed);
    }

    @EventListener(ApplicationReadyEvent.class)
    public void resealOnStart() {
        if (!properties.resealOnStart()) {
            return;
        }
        try {
            Report report = reseal();
            if (report.resealed() > 0 || report.unreadable() > 0) {
                log.info("stored secrets re-sealed with key {}: {} re-sealed, {} already current, {} unreadable here,"
                                + " {} changed meanwhile", report.currentKeyId(), report.resealed(), report.alreadyCurrent(),
                        report.unreadable(), report.changedMeanwhile());
            }
        } catch (RuntimeException e) {
            log.warn("stored secrets could not be re-sealed at start-up: {}", e.getClass().getName());
        }
    }
}
