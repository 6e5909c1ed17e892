package dev.caravan.userstore.ldap;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How to reach and search one organization's LDAP directory or Active Directory.
 *
 * @param urls            one or more {@code ldap://} or {@code ldaps://} URLs, tried in order (fail-over)
 * @param startTls        upgrade plain {@code ldap://} connections with StartTLS before binding
 * @param bindDn          service account used to search for the user (null: anonymous search)
 * @param bindPassword    the service account's password (a secret: write-only in the admin API)
 * @param userSearchBase  where users are searched, e.g. {@code ou=people,dc=example,dc=com}
 * @param userFilter      filter with {@code {0}} for the escaped username, e.g. {@code (uid={0})},
 *                        {@code (sAMAccountName={0})} or {@code (userPrincipalName={0}@corp.example)}
 * @param groupSearchBase where groups are searched (null: use the user's {@code memberOf} attribute)
 * @param groupFilter     filter with {@code {0}} for the escaped user DN, e.g. {@code (member={0})}
 * @param groupNameAttribute attribute holding a group's name ({@code cn})
 * @param claimAttributes backend-JWT claim name to LDAP attribute, e.g. {@code email -> mail}
 * @param roleMappings    group name to role; a group not listed maps to a role of its own name
 * @param poolSize        connections kept to this directory
 * @param connectTimeout  TCP + TLS connect timeout
 * @param responseTimeout each LDAP operation's timeout
 * @param trustStorePath  PKCS#12/JKS trust store for ldaps/StartTLS (null: the JVM's default trust)
 * @param trustStorePassword its password (a secret)
 * @param caseSensitive   whether the directory tells {@code Ada} from {@code ada} (false, the
 *                        default: directories match {@code uid} and {@code sAMAccountName}
 *                        ignoring case, and such a store's users are named in lower case)
 * @param subjectAttribute null, or the attribute the users' subject is pinned to, so a renamed
 *                        user stays one subject: {@code entryUUID} (OpenLDAP, 389 DS, ...),
 *                        {@code objectGUID} (Active Directory; binary, written as the usual GUID
 *                        string), {@code nsUniqueId}, {@code employeeNumber}, ...
 */
public record LdapSettings(
        List<String> urls,
        boolean startTls,
        String bindDn,
        String bindPassword,
        String userSearchBase,
        String userFilter,
        String groupSearchBase,
        String groupFilter,
        String groupNameAttribute,
        Map<String, String> claimAttributes,
        Map<String, String> roleMappings,
        int poolSize,
        Duration connectTimeout,
        Duration responseTimeout,
        String trustStorePath,
        String trustStorePassword,
        boolean caseSensitive,
        String subjectAttribute) {

    /** Case-insensitive, subject not pinned. */
    public LdapSettings(List<String> urls, boolean startTls, String bindDn, String bindPassword, String userSearchBase,
                        String userFilter, String groupSearchBase, String groupFilter, String groupNameAttribute,
                        Map<String, String> claimAttributes, Map<String, String> roleMappings, int poolSize,
                        Duration connectTimeout, Duration responseTimeout, String trustStorePath,
                        String trustStorePassword) {
        this(urls, startTls, bindDn, bindPassword, userSearchBase, userFilter, groupSearchBase, groupFilter,
                groupNameAttribute, claimAttributes, roleMappings, poolSize, connectTimeout, responseTimeout,
                trustStorePath, trustStorePassword, false, null);
    }

    /** These settings with another case rule and subject attribute. */
    public LdapSettings withIdentity(boolean caseSensitive, String subjectAttribute) {
        return new LdapSettings(urls, startTls, bindDn, bindPassword, userSearchBase, userFilter, groupSearchBase,
                groupFilter, groupNameAttribute, claimAttributes, roleMappings, poolSize, connectTimeout,
                responseTimeout, trustStorePath, trustStorePassword, caseSensitive, subjectAttribute);
    }

    @Override
    public String toString() {
        return "LdapSettings[urls=" + urls + ", startTls=" + startTls + ", bindDn=" + bindDn
                + ", bindPassword=" + (bindPassword == null ? "<none>" : "<redacted>")
                + ", userSearchBase=" + userSearchBase + ", userFilter=" + userFilter
                + ", caseSensitive=" + caseSensitive + ", subjectAttribute=" + subjectAttribute + "]";
    }
}
