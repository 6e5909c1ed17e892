package dev.caravan.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}; a bare
 * address is a single host). Only address literals are accepted: nothing here ever asks DNS.
 * IPv4-mapped IPv6 addresses ({@code ::ffff:10.1.2.3}) match IPv4 networks.
 */
public final class Cidr {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private final byte[] network;
    private final int prefix;

    private Cidr(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    public static Cidr parse(String text) {
        String problem = problem(text);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        byte[] address = address(slash < 0 ? trimmed : trimmed.substring(0, slash));
        int prefix = slash < 0 ? address.length * 8 : Integer.parseInt(trimmed.substring(slash + 1));
        return new Cidr(address, prefix);
    }

    /** Why a text is not a CIDR, or null when it is one. */
    public static String problem(String text) {
        if (text == null || text.isBlank()) {
            return "must be an IP address or a CIDR such as 10.0.0.0/8 or 2001:db8::/32";
        }
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String host = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] address = address(host);
        if (address == null) {
            return "must be an IP address or a CIDR such as 10.0.0.0/8 or 2001:db8::/32 (no host names)";
        }
        if (slash >= 0) {
            String bits = trimmed.substring(slash + 1);
            if (!bits.matches("\\d{1,3}") || Integer.parseInt(bits) > address.length * 8) {
                return "has a prefix length outside 0-" + address.length * 8;
            }
        }
        return null;
    }

    /** The bytes of an address literal (4 for IPv4 and IPv4-mapped IPv6, 16 for IPv6), or null. */
    public static byte[] address(String literal) {
        if (literal == null) {
            return null;
        }
        String text = literal.startsWith("[") && literal.endsWith("]") ? literal.substring(1, literal.length() - 1) : literal;
        int zone = text.indexOf('%');
        if (zone >= 0) {
            text = text.substring(0, zone);
        }
        boolean v4 = IPV4.matcher(text).matches();
        if (!v4 && !(text.indexOf(':') >= 0 && IPV6.matcher(text).matches())) {
            return null;
        }
        try {
            // a literal (checked above) is parsed, never resolved
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    public boolean contains(byte[] address) {
        if (address == null || address.length != network.length) {
            return false;
        }
        int whole = prefix / 8;
        for (int i = 0; i < whole; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (address[whole] & mask) == (network[whole] & mask);
    }

    public static boolean anyContains(List<Cidr> networks, byte[] address) {
        for (Cidr network : networks) {
            if (network.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
