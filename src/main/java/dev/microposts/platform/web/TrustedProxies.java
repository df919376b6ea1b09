package dev.microposts.platform.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The addresses whose {@code X-Forwarded-*} headers are believed: IP addresses and CIDR ranges
 * ({@code 10.0.0.0/8}, {@code fc00::/7}, {@code ::1}), IPv4 and IPv6. Only literals: a host name
 * would need a DNS lookup per request and is refused when the list is read.
 */
public final class TrustedProxies {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** One range: the network's address bytes and how many leading bits must match. */
    private record Range(byte[] network, int bits) {

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }

    private final List<Range> ranges;

    private TrustedProxies(List<Range> ranges) {
        this.ranges = ranges;
    }

    /**
     * Parses the list; an entry that is not an IP address or a CIDR range is an
     * {@link IllegalArgumentException} naming it.
     */
    public static TrustedProxies of(List<String> entries) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : entries == null ? List.<String>of() : entries) {
            String trimmed = entry == null ? "" : entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            ranges.add(range(trimmed));
        }
        return new TrustedProxies(List.copyOf(ranges));
    }

    private static Range range(String entry) {
        int slash = entry.indexOf('/');
        String address = slash < 0 ? entry : entry.substring(0, slash);
        byte[] network = literal(address);
        if (network == null) {
            throw invalid(entry);
        }
        int bits = network.length * 8;
        if (slash >= 0) {
            String length = entry.substring(slash + 1);
            if (!length.matches("\\d{1,3}") || Integer.parseInt(length) > network.length * 8) {
                throw invalid(entry);
            }
            bits = Integer.parseInt(length);
        }
        return new Range(network, bits);
    }

    private static IllegalArgumentException invalid(String entry) {
        return new IllegalArgumentException("microposts.forwarded.trusted-proxies: '" + entry
                + "' is not an IP address or a CIDR range (like 10.0.0.0/8 or fc00::/7)");
    }

    /** The bytes of an IP address literal (IPv4-mapped IPv6 as IPv4), or null: never a DNS lookup. */
    static byte[] literal(String address) {
        if (address == null
                || !(IPV4.matcher(address).matches() || IPV6.matcher(address).matches())) {
            return null;
        }
        try {
            return InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException | IllegalArgumentException ex) {
            return null;
        }
    }

    /** Whether a peer address (as the server reports it) is one of the trusted proxies. */
    public boolean contains(String address) {
        if (ranges.isEmpty()) {
            return false;
        }
        byte[] bytes = literal(address);
        if (bytes == null) {
            return false;
        }
        for (Range range : ranges) {
            if (range.contains(bytes)) {
                return true;
            }
        }
        return false;
    }
}
