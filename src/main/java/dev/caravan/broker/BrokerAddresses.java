package dev.caravan.broker;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Rules about address names on the broker shared by the gateway's checks, and where a
 * queue-backed API's calls go.
 *
 * <p>Each organization's API queues live in its own namespace: the API's {@code queue:<name>} is
 * the broker address {@code <organization>/<name>}. Organization names
 * ({@code [A-Za-z0-9_.-]{1,64}}) and queue names ({@code [A-Za-z0-9][A-Za-z0-9._-]*}) never
 * contain {@code /}, so the first {@code /} of an address tells organization and queue apart and
 * no two (organization, queue) pairs share an address; a dot would not ({@code a} + {@code b.c}
 * and {@code a.b} + {@code c} would both be {@code a.b.c}). No organization can name another's
 * queue, nor any of Caravan's or the broker's own addresses, which contain no {@code /}.
 */
public final class BrokerAddresses {
    /** Between the organization and the queue name in an API queue's address. */
    public static final char NAMESPACE_SEPARATOR = '/';
    /** A queue name as an API gives it, after {@code queue:}. */
    public static final Pattern API_QUEUE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final Pattern ORGANIZATION_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private BrokerAddresses() {}

    /** The queue of an organization's userstore verification requests ({@code #}: all of them). */
    public static String userstoreQueue(String organization) {
        return "caravan.userstore." + organization;
    }

    /**
     * Whether {@code name} (in any case) is, or could reach, an address of Caravan ({@code caravan.*}:
     * verification, audit) or of the broker ({@code activemq.*}, {@code $sys*}, the dead-letter and
     * expiry queues {@code DLQ} and {@code ExpiryQueue}), or holds a wildcard ({@code #}, {@code *})
     * or the fully qualified queue separator {@code ::}: never a queue-backed API's queue, never one a
     * consumer user may be given.
     */
    public static boolean isReserved(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.startsWith("caravan.") || lower.startsWith("activemq.") || lower.startsWith("$sys")
                || lower.equals("dlq") || lower.equals("expiryqueue")
                || lower.indexOf('#') >= 0 || lower.indexOf('*') >= 0 || lower.contains("::");
    }

    /** What is wrong with a queue name an API or a consumer user gives, or null. */
    public static String queueNameProblem(String queue) {
        if (queue == null || !API_QUEUE_NAME.matcher(queue).matches()) {
            return "must name a queue (letters, digits, dot, underscore, hyphen, starting with a letter or digit;"
                    + " at most 200 characters)";
        }
        if (isReserved(queue)) {
            return "must not name a broker-internal queue (DLQ, ExpiryQueue, caravan.*, activemq.*, $sys*)";
        }
        return null;
    }

    /**
     * The broker address of an organization's API queue: {@code <organization>/<queue>}.
     *
     * @throws IllegalArgumentException when either name breaks its rule
     */
    public static String apiQueue(String organization, String queue) {
        if (organization == null || !ORGANIZATION_NAME.matcher(organization).matches()) {
            throw new IllegalArgumentException("not an organization name");
        }
        String problem = queueNameProblem(queue);
        if (problem != null) {
            throw new IllegalArgumentException("queue " + problem);
        }
        String address = organization + NAMESPACE_SEPARATOR + queue;
        if (isReserved(address)) {
            // an organization named like Caravan's or the broker's own addresses (caravan.x): its
            // queues would fall under their address settings, so it has none
            throw new IllegalArgumentException("queue cannot be given to an organization named like a broker-internal address");
        }
        return address;
    }
}
