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
 * @param poolSize        connections kept to this directory for searches (bound as the service account)
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
 * @param bindPoolSize    connections kept for the users' password binds, apart from the
 *                        {@code poolSize} connections that search as the service account
 * @param maxConnectionAge a pooled connection older than this is closed and replaced (so a
 *                        fail-over connection returns to the first URL, and a load balancer's
 *                        idle cut never meets a stale connection)
 * @param healthCheckInterval how often idle pooled connections are checked (a read of the root DSE)
 * @param groupPageSize   entries per page of the group search (Simple Paged Results, RFC 2696)
 * @param maxRoles        most groups a user may have; a user with more, or a group search cut
 *                        short by the directory's size limit, cannot log in (503, logged with the
 *                        organization), never a silently shortened list of roles
 * @param nestedGroups    also the groups that contain the user's groups, level by level
 * @param nestedGroupDepth how many levels above the user's own groups are followed (cycles are cut)
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
        String subjectAttribute,
        int bindPoolSize,
        Duration maxConnectionAge,
        Duration healthCheckInterval,
        int groupPageSize,
        int maxRoles,
        boolean nestedGroups,
        int nestedGroupDepth) {

    public static final int DEFAULT_BIND_POOL_SIZE = 4;
    public static final Duration DEFAULT_MAX_CONNECTION_AGE = Duration.ofMinutes(10);
    public static final Duration DEFAULT_HEALTH_CHECK_INTERVAL = Duration.ofSeconds(30);
    public static final int DEFAULT_GROUP_PAGE_SIZE = 500;
    public static final int DEFAULT_MAX_ROLES = 1000;
    public static final int DEFAULT_NESTED_GROUP_DEPTH = 5;

    /** Default pools and group search. */
    public LdapSettings(List<String> urls, boolean startTls, String bindDn, String bindPassword, String userSearchBase,
                        String userFilter, String groupSearchBase, String groupFilter, String groupNameAttribute,
                        Map<String, String> claimAttributes, Map<String, String> roleMappings, int poolSize,
                        Duration connectTimeout, Duration responseTimeout, String trustStorePath,
                        String trustStorePassword, boolean caseSensitive, String subjectAttribute) {
        this(urls, startTls, bindDn, bindPassword, userSearchBase, userFilter, groupSearchBase, groupFilter,
                groupNameAttribute, claimAttributes, roleMappings, poolSize, connectTimeout, responseTimeout,
                trustStorePath, trustStorePassword, caseSensitive, subjectAttribute, DEFAULT_BIND_POOL_SIZE,
                DEFAULT_MAX_CONNECTION_AGE, DEFAULT_HEALTH_CHECK_INTERVAL, DEFAULT_GROUP_PAGE_SIZE, DEFAULT_MAX_ROLES,
                false, DEFAULT_NESTED_GROUP_DEPTH);
    }

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
                responseTimeout, trustStorePath, trustStorePassword, caseSensitive, subjectAttribute, bindPoolSize,
                maxConnectionAge, healthCheckInterval, groupPageSize, maxRoles, nestedGroups, nestedGroupDepth);
    }

    /** These settings with other pools. */
    public LdapSettings withPools(int poolSize, int bindPoolSize, Duration maxConnectionAge,
                                  Duration healthCheckInterval) {
        return new LdapSettings(urls, startTls, bindDn, bindPassword, userSearchBase, userFilter, groupSearchBase,
                groupFilter, groupNameAttribute, claimAttributes, roleMappings, poolSize, connectTimeout,
                responseTimeout, trustStorePath, trustStorePassword, caseSensitive, subjectAttribute, bindPoolSize,
                maxConnectionAge, healthCheckInterval, groupPageSize, maxRoles, nestedGroups, nestedGroupDepth);
    }

    /** These settings with another group search. */
    public LdapSettings withGroupSearch(int groupPageSize, int maxRoles, boolean nestedGroups, int nestedGroupDepth) {
        return new LdapSettings(urls, startTls, bindDn, bindPassword, userSearchBase, userFilter, groupSearchBase,
                groupFilter, groupNameAttribute, claimAttributes, roleMappings, poolSize, connectTimeout,
                responseTimeout, trustStorePath, trustStorePassword, caseSensitive, subjectAttribute, bindPoolSize,
                maxConnectionAge, healthCheckInterval, groupPageSize, maxRoles, nestedGroups, nestedGroupDepth);
    }

    @Override
    public String toString() {
        return "LdapSettings[urls=" + urls + ", startTls=" + startTls + ", bindDn=" + bindDn
                + ", bindPassword=" + (bindPassword == null ? "<none>" : "<redacted>")
                + ", userSearchBase=" + userSearchBase + ", userFilter=" + userFilter
                + ", caseSensitive=" + caseSensitive + ", subjectAttribute=" + subjectAttribute
                + ", poolSize=" + poolSize + ", bindPoolSize=" + bindPoolSize + ", maxRoles=" + maxRoles
                + ", nestedGroups=" + nestedGroups + "]";
    }
}
