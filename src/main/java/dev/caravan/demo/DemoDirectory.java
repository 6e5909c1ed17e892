package dev.caravan.demo;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldif.LDIFException;
import java.net.InetAddress;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The demo organization's directory: an in-memory LDAP server (UnboundID) on loopback holding
 * the end user {@code jane} in an OpenLDAP-style tree, a service account the gateway searches
 * with, and a group that becomes a role. Started by the demo profile alone.
 */
@Component
@Profile("demo")
public class DemoDirectory implements DisposableBean {
    public static final String BASE = "dc=my-company,dc=example";
    public static final String PEOPLE = "ou=people," + BASE;
    public static final String GROUPS = "ou=groups," + BASE;
    public static final String SERVICE_DN = "cn=caravan-service," + BASE;
    public static final String SERVICE_PASSWORD = "demo-directory-service-password";

    private final InMemoryDirectoryServer server;

    public DemoDirectory(@Value("${caravan.demo.ldap-port:10389}") int port) throws LDAPException, LDIFException {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("demo", loopback(), port, null));
        config.addAdditionalBindCredentials("cn=directory-admin", "not-used-by-the-gateway");
        server = new InMemoryDirectoryServer(config);
        server.add("dn: " + BASE, "objectClass: top", "objectClass: domain", "dc: my-company");
        server.add("dn: " + PEOPLE, "objectClass: top", "objectClass: organizationalUnit", "ou: people");
        server.add("dn: " + GROUPS, "objectClass: top", "objectClass: organizationalUnit", "ou: groups");
        server.add("dn: " + SERVICE_DN, "objectClass: top", "objectClass: person",
                "objectClass: simpleSecurityObject", "cn: caravan-service", "sn: service",
                "userPassword: " + SERVICE_PASSWORD);
        server.add("dn: uid=" + DemoData.END_USER + "," + PEOPLE, "objectClass: top", "objectClass: person",
                "objectClass: organizationalPerson", "objectClass: inetOrgPerson", "uid: " + DemoData.END_USER,
                "cn: Jane Doe", "sn: Doe", "givenName: Jane", "mail: jane@my-company.example",
                "userPassword: " + DemoData.END_USER_PASSWORD);
        server.add("dn: cn=travellers," + GROUPS, "objectClass: top", "objectClass: groupOfNames",
                "cn: travellers", "member: uid=" + DemoData.END_USER + "," + PEOPLE);
        server.startListening();
    }

    private static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }

    public int port() {
        return server.getListenPort();
    }

    @Override
    public void destroy() {
        server.shutDown(true);
    }
}
