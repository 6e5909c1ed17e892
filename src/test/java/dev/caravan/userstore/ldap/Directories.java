package dev.caravan.userstore.ldap;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSimpleBindRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.LDAPException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSocketFactory;

/** Real in-memory LDAP servers (UnboundID) shaped like an OpenLDAP tree and like Active Directory. */
final class Directories {
    static final String SERVICE_DN = "cn=caravan,ou=services,dc=example,dc=com";
    static final String SERVICE_PASSWORD = "service-Pa55word";
    static final String JANE_PASSWORD = "jane-Pa55word!";
    static final String UPPER_ADA_PASSWORD = "Upper-ada-Pa55word!";
    static final String LOWER_ADA_PASSWORD = "lower-ada-Pa55word!";
    /** The AD entry's objectGUID as Windows shows it, and its 16 bytes as the directory holds them. */
    static final String JANE_GUID = "01234567-89ab-cdef-0123-456789abcdef";
    static final byte[] JANE_GUID_BYTES = {0x67, 0x45, 0x23, 0x01, (byte) 0xab, (byte) 0x89, (byte) 0xef, (byte) 0xcd,
            0x01, 0x23, 0x45, 0x67, (byte) 0x89, (byte) 0xab, (byte) 0xcd, (byte) 0xef};

    /** Counts simple binds that reach the server, by bind DN. */
    static final class BindCounter extends InMemoryOperationInterceptor {
        final AtomicInteger userBinds = new AtomicInteger();

        @Override
        public void processSimpleBindRequest(InMemoryInterceptedSimpleBindRequest request) {
            if (!SERVICE_DN.equalsIgnoreCase(request.getRequest().getBindDN())) {
                userBinds.incrementAndGet();
            }
        }
    }

    static InMemoryDirectoryServer openLdap(BindCounter counter, InMemoryListenerConfig... listeners) throws Exception {
        return openLdap(counter, config -> { }, listeners);
    }

    static InMemoryDirectoryServer openLdap(BindCounter counter,
            java.util.function.Consumer<InMemoryDirectoryServerConfig> tuning, InMemoryListenerConfig... listeners)
            throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=com");
        tuning.accept(config);
        config.setListenerConfigs(listeners.length == 0
                ? new InMemoryListenerConfig[] {InMemoryListenerConfig.createLDAPConfig("ldap",
                        InetAddress.getLoopbackAddress(), 0, null)}
                : listeners);
        if (counter != null) {
            config.addInMemoryOperationInterceptor(counter);
        }
        InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
        server.add("dn: dc=example,dc=com", "objectClass: domain", "dc: example");
        server.add("dn: ou=people,dc=example,dc=com", "objectClass: organizationalUnit", "ou: people");
        server.add("dn: ou=services,dc=example,dc=com", "objectClass: organizationalUnit", "ou: services");
        server.add("dn: ou=groups,dc=example,dc=com", "objectClass: organizationalUnit", "ou: groups");
        server.add("dn: " + SERVICE_DN, "objectClass: person", "objectClass: simpleSecurityObject", "cn: caravan",
                "sn: service", "userPassword: " + SERVICE_PASSWORD);
        person(server, "jane", JANE_PASSWORD, "jane@example.com");
        person(server, "bob", "bob-Pa55word!", "bob@example.com");
        // a username with every filter and DN metacharacter, to prove escaping end to end
        server.add("dn: cn=odd,ou=people,dc=example,dc=com", "objectClass: inetOrgPerson", "cn: odd", "sn: odd",
                "uid: we*ird(na)me\\,+=", "userPassword: odd-Pa55word!");
        // two entries with the same uid in different branches: an ambiguous directory
        server.add("dn: ou=contractors,ou=people,dc=example,dc=com", "objectClass: organizationalUnit", "ou: contractors");
        server.add("dn: uid=twin,ou=people,dc=example,dc=com", "objectClass: inetOrgPerson", "uid: twin", "cn: twin",
                "sn: a", "userPassword: twin-Pa55word!");
        server.add("dn: uid=twin,ou=contractors,ou=people,dc=example,dc=com", "objectClass: inetOrgPerson",
                "uid: twin", "cn: twin", "sn: b", "userPassword: twin-Pa55word!");
        // two people whose names differ only in case, told apart only by a case-exact attribute
        // (labeledURI's equality rule is caseExactMatch; uid's ignores case)
        server.add("dn: cn=ada-upper,ou=people,dc=example,dc=com", "objectClass: inetOrgPerson", "cn: ada-upper",
                "sn: a", "labeledURI: Ada", "userPassword: " + UPPER_ADA_PASSWORD);
        server.add("dn: cn=ada-lower,ou=people,dc=example,dc=com", "objectClass: inetOrgPerson", "cn: ada-lower",
                "sn: a", "labeledURI: ada", "userPassword: " + LOWER_ADA_PASSWORD);
        server.add("dn: cn=travellers,ou=groups,dc=example,dc=com", "objectClass: groupOfNames", "cn: travellers",
                "member: uid=jane,ou=people,dc=example,dc=com");
        server.add("dn: cn=admins,ou=groups,dc=example,dc=com", "objectClass: groupOfNames", "cn: admins",
                "member: uid=jane,ou=people,dc=example,dc=com", "member: uid=bob,ou=people,dc=example,dc=com");
        server.startListening();
        return server;
    }

    private static void person(InMemoryDirectoryServer server, String uid, String password, String mail)
            throws Exception {
        server.add("dn: uid=" + uid + ",ou=people,dc=example,dc=com", "objectClass: inetOrgPerson", "uid: " + uid,
                "cn: " + uid, "sn: " + uid, "mail: " + mail, "userPassword: " + password);
    }

    /** AD-shaped: users under CN=Users found by sAMAccountName, groups in memberOf, no schema checks. */
    static InMemoryDirectoryServer activeDirectory() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("DC=corp,DC=example");
        config.setSchema(null);
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), 0, null));
        InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
        server.add("dn: DC=corp,DC=example", "objectClass: domain", "dc: corp");
        server.add("dn: CN=Users,DC=corp,DC=example", "objectClass: container", "cn: Users");
        server.add("dn: CN=svc-caravan,CN=Users,DC=corp,DC=example", "objectClass: user", "cn: svc-caravan",
                "sAMAccountName: svc-caravan", "userPassword: " + SERVICE_PASSWORD);
        server.add("dn: CN=Jane Doe,CN=Users,DC=corp,DC=example", "objectClass: user", "cn: Jane Doe",
                "sAMAccountName: jdoe", "userPrincipalName: jdoe@corp.example", "mail: jane@corp.example",
                "department: Travel", "userPassword: " + JANE_PASSWORD,
                "memberOf: CN=VPN Users,CN=Users,DC=corp,DC=example",
                "memberOf: CN=Domain Admins,CN=Users,DC=corp,DC=example",
                "objectGUID:: " + java.util.Base64.getEncoder().encodeToString(JANE_GUID_BYTES));
        server.startListening();
        return server;
    }

    static LdapSettings openLdapSettings(String... urls) {
        return new LdapSettings(List.of(urls), false, SERVICE_DN, SERVICE_PASSWORD,
                "ou=people,dc=example,dc=com", "(uid={0})", "ou=groups,dc=example,dc=com", "(member={0})", "cn",
                Map.of("email", "mail"), Map.of("admins", "administrator"), 4, Duration.ofSeconds(2),
                Duration.ofSeconds(2), null, null);
    }

    static LdapSettings activeDirectorySettings(String url, String filter) {
        return new LdapSettings(List.of(url), false, "CN=svc-caravan,CN=Users,DC=corp,DC=example", SERVICE_PASSWORD,
                "CN=Users,DC=corp,DC=example", filter, null, null, null,
                Map.of("email", "mail", "department", "department"), Map.of("Domain Admins", "administrator"), 4,
                Duration.ofSeconds(2), Duration.ofSeconds(2), null, null);
    }

    static String url(InMemoryDirectoryServer server) {
        return "ldap://127.0.0.1:" + server.getListenPort();
    }

    private Directories() {}

    static InMemoryListenerConfig ldaps(SSLServerSocketFactory server, SSLSocketFactory client) throws LDAPException {
        return InMemoryListenerConfig.createLDAPSConfig("ldaps", InetAddress.getLoopbackAddress(), 0, server, client);
    }

    static InMemoryListenerConfig startTls(SSLSocketFactory startTls) throws LDAPException {
        return InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), 0, startTls);
    }
}
