package dev.caravan.userstore.ldap;

import static dev.caravan.userstore.DefinitionFields.bool;
import static dev.caravan.userstore.DefinitionFields.duration;
import static dev.caravan.userstore.DefinitionFields.integer;
import static dev.caravan.userstore.DefinitionFields.optionalText;
import static dev.caravan.userstore.DefinitionFields.putIfSet;
import static dev.caravan.userstore.DefinitionFields.putSecret;
import static dev.caravan.userstore.DefinitionFields.requiredText;
import static dev.caravan.userstore.DefinitionFields.secret;
import static dev.caravan.userstore.DefinitionFields.stringMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import dev.caravan.userstore.ExternalUserStore;
import dev.caravan.userstore.InvalidStoreDefinitionException;
import dev.caravan.userstore.UserStoreKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import org.springframework.stereotype.Component;

/** The {@code ldap} userstore kind: an LDAP directory or Active Directory, settings in {@code ldap}. */
@Component
public class LdapKind implements UserStoreKind<LdapSettings> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("urls", "startTls", "bindDn", "bindPassword",
            "bindPasswordSet", "userSearchBase", "userFilter", "groupSearchBase", "groupFilter", "groupNameAttribute",
            "claimAttributes", "roleMappings", "poolSize", "connectTimeout", "responseTimeout", "trustStorePath",
            "trustStorePassword", "trustStorePasswordSet", "caseSensitive", "subjectAttribute", "bindPoolSize",
            "maxConnectionAge", "healthCheckInterval", "groupPageSize", "maxRoles", "nestedGroups", "nestedGroupDepth");

    @Override
    public String name() {
        return "ldap";
    }

    @Override
    public String settingsField() {
        return "ldap";
    }

    @Override
    public Class<LdapSettings> settingsType() {
        return LdapSettings.class;
    }

    @Override
    public Class<?> propertiesType() {
        return LdapProperties.class;
    }

    @Override
    public Set<String> fields() {
        return FIELDS;
    }

    @Override
    public List<String> secretFields() {
        return List.of("bindPassword", "trustStorePassword");
    }

    @Override
    public LdapSettings read(JsonNode n, LdapSettings previous) {
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

    @Override
    public ObjectNode write(LdapSettings l, BiFunction<String, String, String> secrets) {
        ObjectNode n = JSON.createObjectNode();
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
        return n;
    }

    @Override
    public LdapSettings mapSecrets(LdapSettings l, BiFunction<String, String, String> f) {
        return new LdapSettings(l.urls(), l.startTls(), l.bindDn(), apply(f, "ldap.bindPassword", l.bindPassword()),
                l.userSearchBase(), l.userFilter(), l.groupSearchBase(), l.groupFilter(), l.groupNameAttribute(),
                l.claimAttributes(), l.roleMappings(), l.poolSize(), l.connectTimeout(), l.responseTimeout(),
                l.trustStorePath(), apply(f, "ldap.trustStorePassword", l.trustStorePassword()), l.caseSensitive(),
                l.subjectAttribute(), l.bindPoolSize(), l.maxConnectionAge(), l.healthCheckInterval(),
                l.groupPageSize(), l.maxRoles(), l.nestedGroups(), l.nestedGroupDepth());
    }

    private static String apply(BiFunction<String, String, String> f, String field, String value) {
        return value == null ? null : f.apply(field, value);
    }

    @Override
    public ExternalUserStore create(String organization, LdapSettings settings) {
        return new LdapUserStore(organization, settings);
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
