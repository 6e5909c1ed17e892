package dev.caravan.userstore.external;

import dev.caravan.userstore.InvalidStoreDefinitionException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import dev.caravan.userstore.external.SecondaryStoreDefinition.Kind;
import dev.caravan.userstore.external.SecondaryStoreDefinition.Mode;
import dev.caravan.userstore.ldap.LdapSettings;
import dev.caravan.userstore.ldap.LdapUserStore;
import dev.caravan.userstore.webservice.WebServiceSettings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import org.springframework.boot.convert.DurationStyle;

/**
 * Reads and writes secondary-store definitions as JSON documents, the one shape shared by the
 * admin API, the database and the declarative {@code caravan.userstores} settings. Every field is
 * checked, and an error names it; a field Caravan does not know, at any level, is an error too
 * (naming its path, e.g. {@code timout} or {@code ldap.bindDnn}), so a misspelt setting is never
 * silently replaced by its default. The {@code <secret>Set} flags of a written-out document are
 * known (read-only: ignored), so a document read from the admin API can be sent back. Secrets ({@code ldap.bindPassword},
 * {@code ldap.trustStorePassword}, {@code webService.password},
 * {@code webService.trustStorePassword}) are write-only: a document that omits one keeps the
 * previous value, an explicit {@code null} or {@code ""} clears it, and a written-out document
 * either transforms them (encryption for storage) or shows only whether they are set.
 */
public final class StoreDefinitions {
    public static final List<String> SECRET_FIELDS = List.of(
            "ldap.bindPassword", "ldap.trustStorePassword", "webService.password", "webService.trustStorePassword");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(2);
    private static final Set<String> FIELDS = Set.of("kind", "mode", "timeout", "consumers", "maxInFlight",
            "circuitBreaker", "ldap", "webService");
    private static final Set<String> BREAKER_FIELDS = Set.of("failureThreshold", "openDuration");
    private static final Set<String> LDAP_FIELDS = Set.of("urls", "startTls", "bindDn", "bindPassword",
            "bindPasswordSet", "userSearchBase", "userFilter", "groupSearchBase", "groupFilter", "groupNameAttribute",
            "claimAttributes", "roleMappings", "poolSize", "connectTimeout", "responseTimeout", "trustStorePath",
            "trustStorePassword", "trustStorePasswordSet", "caseSensitive", "subjectAttribute", "bindPoolSize",
            "maxConnectionAge", "healthCheckInterval", "groupPageSize", "maxRoles", "nestedGroups", "nestedGroupDepth");
    private static final Set<String> WEB_SERVICE_FIELDS = Set.of("url", "username", "password", "passwordSet",
            "requestTemplate", "responsePointer", "successValue", "timeout", "trustStorePath", "trustStorePassword",
            "trustStorePasswordSet", "caseSensitive", "claims", "rolesPointer");

    private StoreDefinitions() {}

    /** A definition from the admin API or configuration: unknown fields are refused. */
    public static SecondaryStoreDefinition parse(String organization, JsonNode doc,
            Optional<SecondaryStoreDefinition> previous) {
        return parse(organization, doc, previous, true);
    }

    /**
     * A definition as stored by {@link #write}: fields this version does not know (written by a
     * newer node during a rolling update) are skipped rather than making the store unreadable.
     */
    public static SecondaryStoreDefinition parseStored(String organization, JsonNode doc) {
        return parse(organization, doc, Optional.empty(), false);
    }

    private static SecondaryStoreDefinition parse(String organization, JsonNode doc,
            Optional<SecondaryStoreDefinition> previous, boolean strict) {
        if (doc == null || !doc.isObject()) {
            throw new InvalidStoreDefinitionException("", "the definition must be a JSON object");
        }
        if (strict) {
            onlyKnown(doc, FIELDS, "");
            for (String block : List.of("circuitBreaker", "ldap", "webService")) {
                JsonNode value = doc.get(block);
                if (value != null && !value.isNull() && !value.isObject()) {
                    throw new InvalidStoreDefinitionException(block, "must be an object");
                }
            }
            onlyKnown(doc.path("circuitBreaker"), BREAKER_FIELDS, "circuitBreaker.");
            onlyKnown(doc.path("ldap"), LDAP_FIELDS, "ldap.");
            onlyKnown(doc.path("webService"), WEB_SERVICE_FIELDS, "webService.");
            for (String flag : List.of("ldap.bindPasswordSet", "ldap.trustStorePasswordSet", "webService.passwordSet",
                    "webService.trustStorePasswordSet")) {
                JsonNode value = doc.path(flag.substring(0, flag.indexOf('.'))).get(flag.substring(flag.indexOf('.') + 1));
                if (value != null && !value.isBoolean()) {
                    throw new InvalidStoreDefinitionException(flag, "is read-only; if sent, it must be true or false");
                }
            }
        }
        Kind kind = enumValue(doc, "kind", Kind.class, null);
        Mode mode = enumValue(doc, "mode", Mode.class, Mode.LOCAL);
        String other = kind == Kind.LDAP ? "webService" : "ldap";
        if (strict && doc.hasNonNull(other)) {
            throw new InvalidStoreDefinitionException(other, "only for kind " + (kind == Kind.LDAP ? "webservice" : "ldap"));
        }
        Duration timeout = duration(doc, "timeout", Duration.ofSeconds(5));
        int consumers = integer(doc, "consumers", 4, 1, 64);
        int maxInFlight = integer(doc, "maxInFlight", 16, 1, 1024);
        JsonNode breaker = doc.path("circuitBreaker");
        int failureThreshold = integer(breaker, "circuitBreaker.failureThreshold", "failureThreshold", 5, 1, 1000);
        Duration openDuration = duration(breaker, "circuitBreaker.openDuration", "openDuration", Duration.ofSeconds(30));
        LdapSettings ldap = null;
        WebServiceSettings webService = null;
        if (mode == Mode.LOCAL || doc.has(kind == Kind.LDAP ? "ldap" : "webService")) {
            if (kind == Kind.LDAP) {
                ldap = ldap(doc.path("ldap"), previous.map(SecondaryStoreDefinition::ldap).orElse(null));
            } else {
                webService = webService(doc.path("webService"),
                        previous.map(SecondaryStoreDefinition::webService).orElse(null));
            }
        }
        return new SecondaryStoreDefinition(organization, kind, mode, ldap, webService, timeout, consumers,
                maxInFlight, failureThreshold, openDuration);
    }

    private static LdapSettings ldap(JsonNode n, LdapSettings previous) {
        if (!n.isObject()) {
            throw new InvalidStoreDefinitionException("ldap", "required for kind ldap in local mode");
        }
        List<String> urls = new ArrayList<>();
        JsonNode urlNode = n.path("urls");
        if (urlNode.isTextual()) {
            urls.add(urlNode.asText());
        } else if (urlNode.isArray()) {
            urlNode.forEach(u -> urls.add(u.asText()));
        }
        if (urls.isEmpty() || urls.size() > 10) {
            throw new InvalidStoreDefinitionException("ldap.urls", "one to ten ldap:// or ldaps:// URLs");
        }
        for (String url : urls) {
            try {
                String scheme = new LDAPURL(url).getScheme();
                if (!scheme.equals("ldap") && !scheme.equals("ldaps")) {
                    throw new InvalidStoreDefinitionException("ldap.urls", "only ldap:// and ldaps:// URLs");
                }
            } catch (LDAPException e) {
                throw new InvalidStoreDefinitionException("ldap.urls", "not an LDAP URL: " + url);
            }
        }
        String bindDn = optionalText(n, "bindDn", "ldap.bindDn");
        if (bindDn != null) {
            dn(bindDn, "ldap.bindDn");
        }
        String base = requiredText(n, "userSearchBase", "ldap.userSearchBase");
        dn(base, "ldap.userSearchBase");
        String filter = optionalText(n, "userFilter", "ldap.userFilter");
        filter = filter == null ? "(uid={0})" : filter;
        ldapFilter(filter, "ldap.userFilter");
        String groupBase = optionalText(n, "groupSearchBase", "ldap.groupSearchBase");
        if (groupBase != null) {
            dn(groupBase, "ldap.groupSearchBase");
        }
        String groupFilter = optionalText(n, "groupFilter", "ldap.groupFilter");
        if (groupFilter != null) {
            ldapFilter(groupFilter, "ldap.groupFilter");
        }
        String subjectAttribute = optionalText(n, "subjectAttribute", "ldap.subjectAttribute");
        if (subjectAttribute != null && !LdapUserStore.ATTRIBUTE_NAME.matcher(subjectAttribute).matches()) {
            throw new InvalidStoreDefinitionException("ldap.subjectAttribute",
                    "must be an attribute name, e.g. entryUUID or objectGUID");
        }
        return new LdapSettings(List.copyOf(urls), bool(n, "startTls", "ldap.startTls", false), bindDn,
                secret(n, "bindPassword", previous == null ? null : previous.bindPassword()),
                base, filter, groupBase, groupFilter, optionalText(n, "groupNameAttribute", "ldap.groupNameAttribute"),
                stringMap(n, "claimAttributes", "ldap.claimAttributes"), stringMap(n, "roleMappings", "ldap.roleMappings"),
                integer(n, "ldap.poolSize", "poolSize", 4, 1, 64),
                duration(n, "ldap.connectTimeout", "connectTimeout", Duration.ofSeconds(3)),
                duration(n, "ldap.responseTimeout", "responseTimeout", Duration.ofSeconds(5)),
                optionalText(n, "trustStorePath", "ldap.trustStorePath"),
                secret(n, "trustStorePassword", previous == null ? null : previous.trustStorePassword()),
                bool(n, "caseSensitive", "ldap.caseSensitive", false), subjectAttribute,
                integer(n, "ldap.bindPoolSize", "bindPoolSize", LdapSettings.DEFAULT_BIND_POOL_SIZE, 1, 64),
                duration(n, "ldap.maxConnectionAge", "maxConnectionAge", LdapSettings.DEFAULT_MAX_CONNECTION_AGE,
                        Duration.ofSeconds(1), Duration.ofHours(24)),
                duration(n, "ldap.healthCheckInterval", "healthCheckInterval",
                        LdapSettings.DEFAULT_HEALTH_CHECK_INTERVAL, Duration.ofSeconds(1), Duration.ofHours(1)),
                integer(n, "ldap.groupPageSize", "groupPageSize", LdapSettings.DEFAULT_GROUP_PAGE_SIZE, 1, 5000),
                integer(n, "ldap.maxRoles", "maxRoles", LdapSettings.DEFAULT_MAX_ROLES, 1, 10000),
                bool(n, "nestedGroups", "ldap.nestedGroups", false),
                integer(n, "ldap.nestedGroupDepth", "nestedGroupDepth", LdapSettings.DEFAULT_NESTED_GROUP_DEPTH, 1, 10));
    }

    private static WebServiceSettings webService(JsonNode n, WebServiceSettings previous) {
        if (!n.isObject()) {
            throw new InvalidStoreDefinitionException("webService", "required for kind webservice in local mode");
        }
        String url = requiredText(n, "url", "webService.url");
        try {
            URI uri = URI.create(url);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidStoreDefinitionException("webService.url", "must be an http:// or https:// URL with a host");
        }
        String template = optionalText(n, "requestTemplate", "webService.requestTemplate");
        if (template != null) {
            if (!template.contains("{username}") || !template.contains("{password}")) {
                throw new InvalidStoreDefinitionException("webService.requestTemplate",
                        "must contain {username} and {password}");
            }
            try {
                JSON.readTree(template.replace("{username}", "u").replace("{password}", "p"));
            } catch (Exception e) {
                throw new InvalidStoreDefinitionException("webService.requestTemplate",
                        "must be JSON once {username} and {password} are filled in");
            }
        }
        String pointer = optionalText(n, "responsePointer", "webService.responsePointer");
        if (pointer != null) {
            jsonPointer(pointer, "webService.responsePointer");
        }
        Map<String, String> claims = stringMap(n, "claims", "webService.claims");
        claims.forEach((claim, text) -> jsonPointer(text, "webService.claims." + claim));
        String rolesPointer = optionalText(n, "rolesPointer", "webService.rolesPointer");
        if (rolesPointer != null) {
            jsonPointer(rolesPointer, "webService.rolesPointer");
        }
        return new WebServiceSettings(url, optionalText(n, "username", "webService.username"),
                secret(n, "password", previous == null ? null : previous.password()), template, pointer,
                optionalText(n, "successValue", "webService.successValue"),
                duration(n, "webService.timeout", "timeout", Duration.ofSeconds(5)),
                optionalText(n, "trustStorePath", "webService.trustStorePath"),
                secret(n, "trustStorePassword", previous == null ? null : previous.trustStorePassword()),
                bool(n, "caseSensitive", "webService.caseSensitive", true), claims, rolesPointer);
    }

    private static void jsonPointer(String text, String field) {
        try {
            dev.caravan.userstore.webservice.WebServiceUserStore.pointer(field, text);
        } catch (IllegalArgumentException e) {
            throw new InvalidStoreDefinitionException(field, "must be a JSON pointer (RFC 6901) starting with '/',"
                    + " e.g. /response/mail");
        }
    }

    /**
     * Writes a definition as a document. {@code secrets} maps (field name, value) to what is
     * written for a secret that is set, or returns null to write {@code <field>Set: true} instead.
     */
    public static ObjectNode write(SecondaryStoreDefinition def, BiFunction<String, String, String> secrets) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("kind", def.kind().name().toLowerCase(Locale.ROOT));
        doc.put("mode", def.mode().name().toLowerCase(Locale.ROOT));
        doc.put("timeout", def.timeout().toString());
        doc.put("consumers", def.consumers());
        doc.put("maxInFlight", def.maxInFlight());
        ObjectNode breaker = doc.putObject("circuitBreaker");
        breaker.put("failureThreshold", def.failureThreshold());
        breaker.put("openDuration", def.openDuration().toString());
        if (def.ldap() != null) {
            LdapSettings l = def.ldap();
            ObjectNode n = doc.putObject("ldap");
            l.urls().forEach(n.putArray("urls")::add);
            n.put("startTls", l.startTls());
            putIfSet(n, "bindDn", l.bindDn());
            putSecret(n, "bindPassword", "ldap.bindPassword", l.bindPassword(), secrets);
            n.put("userSearchBase", l.userSearchBase());
            n.put("userFilter", l.userFilter());
            putIfSet(n, "groupSearchBase", l.groupSearchBase());
            putIfSet(n, "groupFilter", l.groupFilter());
            putIfSet(n, "groupNameAttribute", l.groupNameAttribute());
            n.set("claimAttributes", JSON.valueToTree(l.claimAttributes()));
            n.set("roleMappings", JSON.valueToTree(l.roleMappings()));
            n.put("poolSize", l.poolSize());
            n.put("connectTimeout", l.connectTimeout().toString());
            n.put("responseTimeout", l.responseTimeout().toString());
            putIfSet(n, "trustStorePath", l.trustStorePath());
            putSecret(n, "trustStorePassword", "ldap.trustStorePassword", l.trustStorePassword(), secrets);
            n.put("caseSensitive", l.caseSensitive());
            putIfSet(n, "subjectAttribute", l.subjectAttribute());
            n.put("bindPoolSize", l.bindPoolSize());
            n.put("maxConnectionAge", l.maxConnectionAge().toString());
            n.put("healthCheckInterval", l.healthCheckInterval().toString());
            n.put("groupPageSize", l.groupPageSize());
            n.put("maxRoles", l.maxRoles());
            n.put("nestedGroups", l.nestedGroups());
            n.put("nestedGroupDepth", l.nestedGroupDepth());
        }
        if (def.webService() != null) {
            WebServiceSettings w = def.webService();
            ObjectNode n = doc.putObject("webService");
            n.put("url", w.url());
            putIfSet(n, "username", w.username());
            putSecret(n, "password", "webService.password", w.password(), secrets);
            putIfSet(n, "requestTemplate", w.requestTemplate());
            putIfSet(n, "responsePointer", w.responsePointer());
            putIfSet(n, "successValue", w.successValue());
            n.put("timeout", w.timeout().toString());
            putIfSet(n, "trustStorePath", w.trustStorePath());
            putSecret(n, "trustStorePassword", "webService.trustStorePassword", w.trustStorePassword(), secrets);
            n.put("caseSensitive", w.caseSensitive());
            n.set("claims", JSON.valueToTree(w.claims() == null ? Map.of() : w.claims()));
            putIfSet(n, "rolesPointer", w.rolesPointer());
        }
        return doc;
    }

    /** For admin answers: secrets appear only as {@code <field>Set: true/false}. */
    public static ObjectNode redacted(SecondaryStoreDefinition def) {
        return write(def, (field, value) -> null);
    }

    private static void putSecret(ObjectNode n, String name, String field, String value,
            BiFunction<String, String, String> secrets) {
        String written = value == null ? null : secrets.apply(field, value);
        if (written != null) {
            n.put(name, written);
        } else {
            n.put(name + "Set", value != null);
        }
    }

    private static void putIfSet(ObjectNode n, String name, String value) {
        if (value != null) {
            n.put(name, value);
        }
    }

    /** Replaces each stored secret with {@code transform(field, value)} (decryption after reading). */
    public static SecondaryStoreDefinition mapSecrets(SecondaryStoreDefinition d, BiFunction<String, String, String> f) {
        LdapSettings l = d.ldap();
        if (l != null) {
            l = new LdapSettings(l.urls(), l.startTls(), l.bindDn(), apply(f, "ldap.bindPassword", l.bindPassword()),
                    l.userSearchBase(), l.userFilter(), l.groupSearchBase(), l.groupFilter(), l.groupNameAttribute(),
                    l.claimAttributes(), l.roleMappings(), l.poolSize(), l.connectTimeout(), l.responseTimeout(),
                    l.trustStorePath(), apply(f, "ldap.trustStorePassword", l.trustStorePassword()), l.caseSensitive(),
                    l.subjectAttribute(), l.bindPoolSize(), l.maxConnectionAge(), l.healthCheckInterval(),
                    l.groupPageSize(), l.maxRoles(), l.nestedGroups(), l.nestedGroupDepth());
        }
        WebServiceSettings w = d.webService();
        if (w != null) {
            w = new WebServiceSettings(w.url(), w.username(), apply(f, "webService.password", w.password()),
                    w.requestTemplate(), w.responsePointer(), w.successValue(), w.timeout(), w.trustStorePath(),
                    apply(f, "webService.trustStorePassword", w.trustStorePassword()), w.caseSensitive(), w.claims(),
                    w.rolesPointer());
        }
        return new SecondaryStoreDefinition(d.organization(), d.kind(), d.mode(), l, w, d.timeout(), d.consumers(),
                d.maxInFlight(), d.failureThreshold(), d.openDuration());
    }

    private static String apply(BiFunction<String, String, String> f, String field, String value) {
        return value == null ? null : f.apply(field, value);
    }

    private static void onlyKnown(JsonNode n, Set<String> known, String prefix) {
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

    private static boolean bool(JsonNode n, String name, String field, boolean fallback) {
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

    private static String secret(JsonNode n, String name, String previous) {
        if (!n.has(name)) {
            return previous;
        }
        JsonNode value = n.get(name);
        return value.isNull() || value.asText().isEmpty() ? null : value.asText();
    }

    private static <E extends Enum<E>> E enumValue(JsonNode n, String field, Class<E> type, E fallback) {
        JsonNode value = n.get(field);
        if (value == null || value.isNull()) {
            if (fallback == null) {
                throw new InvalidStoreDefinitionException(field, "required: one of " + names(type));
            }
            return fallback;
        }
        try {
            return Enum.valueOf(type, value.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidStoreDefinitionException(field, "must be one of " + names(type));
        }
    }

    private static <E extends Enum<E>> String names(Class<E> type) {
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT));
        }
        return String.join(", ", names);
    }

    private static int integer(JsonNode n, String field, int fallback, int min, int max) {
        return integer(n, field, field, fallback, min, max);
    }

    private static int integer(JsonNode n, String field, String name, int fallback, int min, int max) {
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

    private static Duration duration(JsonNode n, String field, Duration fallback) {
        return duration(n, field, field, fallback);
    }

    private static Duration duration(JsonNode n, String field, String name, Duration fallback) {
        return duration(n, field, name, fallback, Duration.ofMillis(1), MAX_TIMEOUT);
    }

    private static Duration duration(JsonNode n, String field, String name, Duration fallback, Duration min,
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

    private static String requiredText(JsonNode n, String name, String field) {
        String value = optionalText(n, name, field);
        if (value == null) {
            throw new InvalidStoreDefinitionException(field, "required");
        }
        return value;
    }

    private static String optionalText(JsonNode n, String name, String field) {
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

    private static Map<String, String> stringMap(JsonNode n, String name, String field) {
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

    private static void dn(String value, String field) {
        try {
            new DN(value);
        } catch (LDAPException e) {
            throw new InvalidStoreDefinitionException(field, "not a valid DN");
        }
    }

    private static void ldapFilter(String filter, String field) {
        if (!filter.contains("{0}")) {
            throw new InvalidStoreDefinitionException(field, "must contain {0} where the value goes, e.g. (uid={0})");
        }
        try {
            Filter.create(filter.replace("{0}", "probe"));
        } catch (LDAPException e) {
            throw new InvalidStoreDefinitionException(field, "not a valid LDAP filter");
        }
    }
}
