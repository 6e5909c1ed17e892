package dev.caravan.broker;

import jakarta.validation.Valid;
import java.util.List;
import java.util.Map;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The ActiveMQ Artemis broker that carries userstore verification and audit events.
 *
 * <p>By default Caravan embeds the broker: the gateway talks to it in-VM, and agents behind an
 * organization's firewall connect to its TCP acceptor ({@code tcp}) with the broker credentials.
 * With {@code embedded: false} Caravan connects to an external broker at {@code url} instead.
 *
 * @param embedded whether to run the broker inside this process
 * @param url      where to connect; {@code vm://0} reaches the embedded broker
 * @param user     broker user; the embedded broker accepts exactly this user
 * @param password broker password; empty means a random one per start (in-VM use only: agents
 *                 cannot connect until one is set)
 * @param dataDir  the embedded broker's journal, bindings, paging and large-message directories
 * @param persistent whether the embedded broker journals persistent messages (audit events)
 * @param agents   the embedded broker's agent users, by user name: each may serve only its own
 *                 organizations' verification queues (the broker user above may do anything)
 * @param consumers the embedded broker's users for systems consuming queue-backed APIs, by user
 *                 name: each may consume only its organization's queues it lists and reply on
 *                 temporary queues
 */
@Validated
@ConfigurationProperties("caravan.broker")
public record BrokerProperties(
        @DefaultValue("true") boolean embedded,
        @DefaultValue("vm://0") @NotBlank String url,
        @DefaultValue("caravan") @NotBlank String user,
        @DefaultValue("") String password,
        @DefaultValue("./data/artemis") @NotBlank String dataDir,
        @DefaultValue("true") boolean persistent,
        @Valid @NotNull @DefaultValue Tcp tcp,
        @Valid Map<String, Agent> agents,
        @Valid Map<String, Consumer> consumers) {

    public BrokerProperties {
        agents = agents == null ? Map.of() : Map.copyOf(agents);
        consumers = consumers == null ? Map.of() : Map.copyOf(consumers);
    }

    /**
     * An agent's own user on the embedded broker. It may consume from, and create, only the
     * verification queues of {@code organizations} ({@code caravan.userstore.<organization>}) and
     * send only to temporary queues (the gateway's reply queues): nothing else, so the credentials
     * an organization holds for its agent reach neither another organization's users' passwords
     * nor the audit queues.
     */
    public record Agent(@NotBlank String password, @NotNull List<@NotBlank String> organizations) {
        @Override
        public String toString() {
            return "Agent[organizations=" + organizations + ", password=<set>]";
        }
    }

    /**
     * The user of a system that consumes the queues of one organization's queue-backed APIs
     * ({@code queue:<name>}). It may consume from, and create, only {@code queues} (named as the
     * APIs name them) in that organization's namespace ({@code <organization>/<name>} on the
     * broker), and send only to temporary queues (the replies of request-reply APIs).
     */
    public record Consumer(@NotBlank String password, String organization, @NotNull List<@NotBlank String> queues) {
        @Override
        public String toString() {
            return "Consumer[organization=" + organization + ", queues=" + queues + ", password=<set>]";
        }
    }

    /**
     * The embedded broker's TCP acceptor for agents; loopback only unless configured otherwise.
     * Verification requests carry passwords, so with {@code keyStore} set the acceptor speaks TLS
     * only, and a non-loopback {@code host} without TLS stops start-up unless
     * {@code allowPlaintext} says that the network in between is trusted.
     */
    public record Tcp(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("127.0.0.1") @NotBlank String host,
            @DefaultValue("61616") @Min(1) @Max(65535) int port,
            @DefaultValue("") String keyStore,
            @DefaultValue("") String keyStorePassword,
            @DefaultValue("PKCS12") @NotBlank String keyStoreType,
            @DefaultValue("false") boolean allowPlaintext) {

        public boolean tls() {
            return keyStore != null && !keyStore.isBlank();
        }

        @Override
        public String toString() {
            return "Tcp[enabled=" + enabled + ", host=" + host + ", port=" + port + ", tls=" + tls()
                    + ", allowPlaintext=" + allowPlaintext + "]";
        }
    }

    public boolean hasPassword() {
        return password != null && !password.isEmpty();
    }

    @Override
    public String toString() {
        return "BrokerProperties[embedded=" + embedded + ", url=" + url + ", user=" + user
                + ", password=" + (hasPassword() ? "<set>" : "<random>") + ", dataDir=" + dataDir
                + ", persistent=" + persistent + ", tcp=" + tcp + ", agents=" + agents.keySet() + ", consumers=" + consumers.keySet() + "]";
    }
}
