package io.calbridge.webhook;

import io.calbridge.platform.web.ApiProblem;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Where calbridge may send notifications: absolute https URLs of hosts on the public internet. A loopback, private,
 * link-local, shared (CGNAT), unspecified, multicast or reserved address - written as a literal, in an IPv4-mapped
 * IPv6 form, or as a name resolving to one - is refused, so that an endpoint cannot make calbridge reach into the
 * operator's own network (SSRF), unless the host (as written, or the literal address) is listed in
 * CALBRIDGE_WEBHOOK_ALLOWED_HOSTS. Plain http is allowed to a listed host only.
 */
@Component
public class WebhookUrlPolicy {

    static final int MAX_LENGTH = 2048;
    private static final String ALLOWED_HOSTS = "CALBRIDGE_WEBHOOK_ALLOWED_HOSTS";
    /** Digits, dots and hex forms: what some resolvers read as an IPv4 address ({@code 2130706433}, {@code 0x7f.1}). */
    private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0x[0-9a-f]*");
    private static final Pattern CANONICAL_IPV4 = Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
            + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

    /** Name resolution, replaceable in unit tests. */
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final Set<String> allowedNames = new HashSet<>();
    private final Set<InetAddress> allowedAddresses = new HashSet<>();
    private final Resolver resolver;

    @Autowired
    WebhookUrlPolicy(WebhookProperties properties) {
        this(properties.allowedHosts(), InetAddress::getAllByName);
    }

    WebhookUrlPolicy(List<String> allowedHosts, Resolver resolver) {
        this.resolver = resolver;
        for (String entry : allowedHosts) {
            String host = unbracketed(normalized(entry));
            allowedNames.add(host);
            try {
                InetAddress literal = literal(host);
                if (literal != null) {
                    allowedAddresses.add(literal);
                }
            } catch (RefusedAddress notCanonical) {
                // listed as written: it matches only a URL that writes the host the same way
            }
        }
    }

    /**
     * The endpoint URL, checked as it is registered: 400 {@code invalid_url} with a detail saying what is wrong. A
     * host name is resolved now, and one that does not resolve is refused.
     */
    public URI check(String url) {
        if (url == null || url.isBlank()) {
            throw invalid("url is required");
        }
        if (url.length() > MAX_LENGTH) {
            throw invalid("url is longer than " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalid("url is not a valid URL (spaces and other special characters must be percent-encoded)");
        }
        if (!uri.isAbsolute() || uri.isOpaque()) {
            throw invalid("url must be an absolute https URL, like https://app.example.com/webhooks/calbridge");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw invalid("url must use https (plain http only to a host listed in " + ALLOWED_HOSTS + ")");
        }
        if (uri.getRawUserInfo() != null || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
            throw invalid("url must not hold a user name or password; authenticate deliveries by their signature");
        }
        if (uri.getHost() == null) {
            throw invalid("url must name a host (a name of letters, digits, '-' and '.', or an IP address; "
                    + "an internationalised name as punycode, xn--...)");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw invalid("url has a port outside 1-65535");
        }
        if (uri.getRawFragment() != null) {
            throw invalid("url must not have a fragment (#...)");
        }
        String host = normalized(uri.getHost());
        if (scheme.equals("http") && !listed(host)) {
            throw invalid("url must use https; plain http is allowed only to a host listed in " + ALLOWED_HOSTS);
        }
        try {
            checkHost(host);
        } catch (RefusedAddress refused) {
            throw invalid("url " + refused.getMessage());
        }
        return uri;
    }

    /**
     * Before each delivery: the URL's host resolved now must still be an address calbridge may send to (a name can
     * point elsewhere than it did at registration).
     *
     * @throws RefusedAddress when it is not, or the name does not resolve
     */
    void checkResolved(URI uri) {
        if (uri.getHost() == null) {
            throw new RefusedAddress("has no host");
        }
        checkHost(normalized(uri.getHost()));
    }

    private void checkHost(String host) {
        String bare = unbracketed(host);
        if (allowedNames.contains(bare)) {
            return;
        }
        InetAddress literal = literal(bare);
        InetAddress[] addresses;
        if (literal != null) {
            addresses = new InetAddress[] {literal};
        } else {
            try {
                addresses = resolver.resolve(bare);
            } catch (UnknownHostException e) {
                throw new RefusedAddress("host " + bare + " does not resolve");
            }
        }
        for (InetAddress address : addresses) {
            String refused = allowedAddresses.contains(address) ? null : refusedClass(address);
            if (refused != null) {
                String which = literal != null ? "points to " + refused + " (" + address.getHostAddress() + ")"
                        : "host " + bare + " resolves to " + refused + " (" + address.getHostAddress() + ")";
                throw new RefusedAddress(which + "; such addresses are refused unless the host is listed in " + ALLOWED_HOSTS);
            }
        }
    }

    private boolean listed(String host) {
        String bare = unbracketed(host);
        if (allowedNames.contains(bare)) {
            return true;
        }
        try {
            InetAddress literal = literal(bare);
            return literal != null && allowedAddresses.contains(literal);
        } catch (RefusedAddress notCanonical) {
            return false;
        }
    }

    /**
     * The address a host written as an IP literal names, without any lookup; null for a host name. A host that looks
     * numeric without being a canonical dotted quad ({@code 127.1}, {@code 0177.0.0.1}, {@code 2130706433}) is refused:
     * resolvers disagree about what it means.
     */
    static InetAddress literal(String bare) {
        try {
            if (bare.contains(":")) {
                return InetAddress.getByName(bare); // an IPv6 literal: parsed, never looked up
            }
            String[] labels = bare.split("\\.");
            if (labels.length > 0 && NUMERIC_LABEL.matcher(labels[labels.length - 1]).matches()) {
                if (!CANONICAL_IPV4.matcher(bare).matches()) {
                    throw new RefusedAddress("host " + bare + " is not a canonical IPv4 address (four decimal numbers 0-255)");
                }
                return InetAddress.getByName(bare);
            }
            return null;
        } catch (UnknownHostException e) {
            throw new RefusedAddress("host " + bare + " is not a valid IP address");
        }
    }

    /** Which kind of address calbridge does not send to this is, or null when it is a public one. */
    static String refusedClass(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address) {
            byte[] embedded = embeddedIpv4(b);
            if (embedded != null) {
                try {
                    return refusedClass(InetAddress.getByAddress(embedded));
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e); // four bytes always make an address
                }
            }
            if ((b[0] & 0xFE) == 0xFC) {
                return "a private address (unique local, fc00::/7)";
            }
        }
        if (address.isAnyLocalAddress()) {
            return "the unspecified address";
        }
        if (address.isLoopbackAddress()) {
            return "a loopback address";
        }
        if (address.isLinkLocalAddress()) {
            return "a link-local address";
        }
        if (address.isSiteLocalAddress()) {
            return "a private address";
        }
        if (address.isMulticastAddress()) {
            return "a multicast address";
        }
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xFF;
            int second = b[1] & 0xFF;
            if (first == 0) {
                return "an unspecified address (0.0.0.0/8)";
            }
            if (first == 100 && second >= 64 && second <= 127) {
                return "a shared address (CGNAT, 100.64.0.0/10)";
            }
            if (first >= 240) {
                return "a reserved or broadcast address (240.0.0.0/4)";
            }
        }
        return null;
    }

    /**
     * The IPv4 address inside an IPv4-mapped ({@code ::ffff:a.b.c.d}; Java usually hands these over as IPv4 already),
     * IPv4-compatible ({@code ::a.b.c.d}) or NAT64 ({@code 64:ff9b::a.b.c.d}) IPv6 address; null for any other.
     */
    private static byte[] embeddedIpv4(byte[] b) {
        boolean zeros = true;
        for (int i = 0; i < 10; i++) {
            zeros &= b[i] == 0;
        }
        boolean mapped = zeros && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
        boolean compatible = zeros && b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] == 0 || b[15] == 1));
        boolean nat64 = (b[0] & 0xFF) == 0x00 && (b[1] & 0xFF) == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B;
        for (int i = 4; nat64 && i < 12; i++) {
            nat64 = b[i] == 0;
        }
        return mapped || compatible || nat64 ? Arrays.copyOfRange(b, 12, 16) : null;
    }

    /** Lower case, without the trailing dot of a fully qualified name. */
    private static String normalized(String host) {
        String lower = host.trim().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static ApiProblem invalid(String detail) {
        return ApiProblem.badRequest("invalid_url", detail);
    }
}
