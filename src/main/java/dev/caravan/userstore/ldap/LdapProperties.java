package dev.caravan.userstore.ldap;

import java.util.List;
import java.util.Map;

/** {@code caravan.userstores.<organization>.ldap.*}: the fields of {@link LdapKind}'s settings as properties bind. */
public record LdapProperties(List<String> urls, Boolean startTls, String bindDn, String bindPassword, String userSearchBase,
                             String userFilter, String groupSearchBase, String groupFilter, String groupNameAttribute,
                             Map<String, String> claimAttributes, Map<String, String> roleMappings, Integer poolSize,
                             String connectTimeout, String responseTimeout, String trustStorePath,
                             String trustStorePassword, Boolean caseSensitive, String subjectAttribute,
                             Integer bindPoolSize, String maxConnectionAge, String healthCheckInterval,
                             Integer groupPageSize, Integer maxRoles, Boolean nestedGroups, Integer nestedGroupDepth) {
    @Override
    public String toString() {
        return "LdapProperties[urls=" + urls + ", bindDn=" + bindDn + "]";
    }
}
