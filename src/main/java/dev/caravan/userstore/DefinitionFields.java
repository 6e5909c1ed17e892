package dev.caravan.userstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.springframework.boot.convert.DurationStyle;

/**
 * Reading and writing the fields of a userstore definition document, shared by the definition's
 * own fields and each {@link UserStoreKind}'s settings. Every reader checks its field and throws
 * {@link InvalidStoreDefinitionException} naming it ({@code field}, the name with its path),
 * while {@code name} is the field's name within the object read.
 */
public final class DefinitionFields {
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(2);

    private DefinitionFields() {}

    /**
     * Writes a secret: what {@code secrets} maps (field, value) to, or {@code <name>Set: true/false}
     * when it maps it to null or the secret is not set.
     */
    public static void putSecret(ObjectNode n, String name, String field, String value,
            BiFunction<String, String, String> secrets) {
        String written = value == null ? null : secrets.apply(field, value);
        if (written != null) {
            n.put(name, written);
        } else {
            n.put(name + "Set", value != null);
        }
    }

    public static void putIfSet(ObjectNode n, String name, String value) {
        if (value != null) {
            n.put(name, value);
        }
    }

    /** Refuses a field of the object {@code n} not in {@code known}, naming it with {@code prefix} in front. */
    public static void onlyKnown(JsonNode n, Set<String> known, String prefix) {
        if (!n.isObject()) {
            return;
        }
        Iterator<String> names = n.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidStoreDefinitionException(prefix + name, "is not a field of a userstore definition");
            }
        }
    }

    public static boolean bool(JsonNode n, String name, String field, boolean fallback) {
        JsonNode value = n.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isTextual() && (value.asText().equalsIgnoreCase("true") || value.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(value.asText());
        }
        throw new InvalidStoreDefinitionException(field, "must be true or false");
    }

    public static String secret(JsonNode n, String name, String previous) {
        if (!n.has(name)) {
            return previous;
        }
        JsonNode value = n.get(name);
        return value.isNull() || value.asText().isEmpty() ? null : value.asText();
    }

    public static int integer(JsonNode n, String field, int fallback, int min, int max) {
        return integer(n, field, field, fallback, min, max);
    }

    public static int integer(JsonNode n, String field, String name, int fallback, int min, int max) {
        JsonNode value = n.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.canConvertToInt() || (!value.isIntegralNumber() && !value.isTextual())) {
            throw new InvalidStoreDefinitionException(field, "must be a whole number from " + min + " to " + max);
        }
        int v = value.isTextual() ? parseInt(value.asText(), field, min, max) : value.asInt();
        if (v < min || v > max) {
            throw new InvalidStoreDefinitionException(field, "must be a whole number from " + min + " to " + max);
        }
        return v;
    }

    private static int parseInt(String text, String field, int min, int max) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidStoreDefinitionException(field, "must be a whole number from " + min + " to " + max);
        }
    }

    public static Duration duration(JsonNode n, String field, Duration fallback) {
        return duration(n, field, field, fallback);
    }

    public static Duration duration(JsonNode n, String field, String name, Duration fallback) {
        return duration(n, field, name, fallback, Duration.ofMillis(1), MAX_TIMEOUT);
    }

    public static Duration duration(JsonNode n, String field, String name, Duration fallback, Duration min,
                                     Duration max) {
        JsonNode value = n.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        Duration d;
        try {
            d = value.isNumber() ? Duration.ofMillis(value.asLong()) : DurationStyle.detectAndParse(value.asText());
        } catch (IllegalArgumentException e) {
            throw new InvalidStoreDefinitionException(field, "must be a duration such as 5s, 500ms or PT5S");
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new InvalidStoreDefinitionException(field, max.equals(MAX_TIMEOUT)
                    ? "must be more than 0 and at most 2 minutes" : "must be a duration from " + min.toSeconds()
                    + "s to " + max.toHours() + "h");
        }
        return d;
    }

    public static String requiredText(JsonNode n, String name, String field) {
        String value = optionalText(n, name, field);
        if (value == null) {
            throw new InvalidStoreDefinitionException(field, "required");
        }
        return value;
    }

    public static String optionalText(JsonNode n, String name, String field) {
        JsonNode value = n.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidStoreDefinitionException(field, "must be text");
        }
        String text = value.asText();
        if (text.length() > 2000) {
            throw new InvalidStoreDefinitionException(field, "at most 2000 characters");
        }
        return text.isBlank() ? null : text;
    }

    public static Map<String, String> stringMap(JsonNode n, String name, String field) {
        JsonNode value = n.get(name);
        Map<String, String> map = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw new InvalidStoreDefinitionException(field, "must be an object of names to names");
        }
        Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            if (!e.getValue().isTextual()) {
                throw new InvalidStoreDefinitionException(field + "." + e.getKey(), "must be text");
            }
            map.put(e.getKey(), e.getValue().asText());
        }
        return Map.copyOf(map);
    }
}
