package dev.caravan.agent;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import dev.caravan.CaravanApplication;
import dev.caravan.testsupport.Fixtures;
import dev.caravan.testsupport.Http;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the agent tests share: an organization's directory only the agent can reach (in-memory
 * LDAP on loopback holding {@code uid=ana}) and the agent itself, started as its own application
 * context with the {@code agent} profile and joined to the gateway only by the broker.
 */
final class AgentDirectory implements AutoCloseable {
    private final InMemoryDirectoryServer directory;

    AgentDirectory(String anasPassword) throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=corp,dc=example");
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), 0, null));
        directory = new InMemoryDirectoryServer(config);
        directory.add("dn: dc=corp,dc=example", "objectClass: domain", "dc: corp");
        directory.add("dn: uid=ana,dc=corp,dc=example", "objectClass: inetOrgPerson", "uid: ana", "cn: Ana", "sn: Ana",
                "userPassword: " + anasPassword);
        directory.startListening();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An agent serving this directory for {@code organization}, connected to {@code brokerUrl}. */
    ConfigurableApplicationContext startAgent(String organization, String brokerUrl, String brokerPassword) {
        return startAgent(organization, brokerUrl, "caravan", brokerPassword);
    }

    ConfigurableApplicationContext startAgent(String organization, String brokerUrl, String brokerUser,
                                              String brokerPassword, String... ldapSettings) {
        String prefix = "--caravan.userstores." + organization + ".";
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                "--caravan.broker.url=" + brokerUrl,
                "--caravan.broker.user=" + brokerUser,
                "--caravan.broker.password=" + brokerPassword,
                prefix + "kind=ldap",
                prefix + "ldap.urls[0]=ldap://127.0.0.1:" + directory.getListenPort(),
                prefix + "ldap.user-search-base=dc=corp,dc=example",
                prefix + "ldap.user-filter=(uid={0})"));
        for (String setting : ldapSettings) {
            args.add(prefix + "ldap." + setting);
        }
        return new SpringApplicationBuilder(CaravanApplication.class).profiles("agent").run(args.toArray(String[]::new));
    }

    /** Ana's entryUUID, which the directory made when she was added. */
    String anasEntryUuid() throws Exception {
        return directory.getEntry("uid=ana,dc=corp,dc=example", "entryUUID").getAttributeValue("entryUUID");
    }

    /** A password grant for {@code ana} of the world's organization (the user only this directory holds). */
    static Http.Response login(String tokenUrl, Fixtures.World world, String password) {
        return Http.postForm(tokenUrl, Http.basic(world.consumerKey(), world.consumerSecret()),
                Http.params("grant_type", "password", "username", "ana@" + world.organization().name(),
                        "password", password));
    }

    @Override
    public void close() {
        directory.shutDown(true);
    }
}
