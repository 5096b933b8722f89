package io.calbridge.connection;

import io.calbridge.platform.CalbridgeProperties;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Where the OAuth callback may send a browser: only under one of CALBRIDGE_ALLOWED_RETURN_URLS, compared by scheme,
 * host, port and path segments (so {@code https://app.example.com} does not admit {@code https://app.example.com.evil.io}).
 */
@Component
class ReturnUrlPolicy {

    private static final int MAX_LENGTH = 2048;

    private final List<URI> allowed;

    ReturnUrlPolicy(CalbridgeProperties properties) {
        this.allowed = properties.effectiveReturnUrlPrefixes().stream().map(String::trim).filter(p -> !p.isEmpty())
                .map(URI::create).toList();
    }

    boolean isAllowed(String returnUrl) {
        if (returnUrl == null || returnUrl.length() > MAX_LENGTH) {
            return false;
        }
        URI url;
        try {
            url = new URI(returnUrl).normalize();
        } catch (URISyntaxException e) {
            return false;
        }
        if (!url.isAbsolute() || url.getHost() == null || url.getRawUserInfo() != null || url.getRawFragment() != null
                || !("http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme()))
                || escapesItsPath(String.valueOf(url.getRawPath()))) {
            return false;
        }
        return allowed.stream().anyMatch(prefix -> under(url, prefix));
    }

    /** Dot segments and encoded dots or slashes, which browsers may resolve to another path than the one checked. */
    private static boolean escapesItsPath(String rawPath) {
        String path = rawPath.toLowerCase(Locale.ROOT);
        return path.contains("..") || path.contains("%2e") || path.contains("%2f") || path.contains("%5c") || path.contains("\\");
    }

    private static boolean under(URI url, URI prefix) {
        if (!url.getScheme().equalsIgnoreCase(prefix.getScheme())
                || !url.getHost().toLowerCase(Locale.ROOT).equals(String.valueOf(prefix.getHost()).toLowerCase(Locale.ROOT))
                || port(url) != port(prefix)) {
            return false;
        }
        String base = prefix.getRawPath() == null ? "" : prefix.getRawPath();
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        if (base.isEmpty() || base.equals("/")) {
            return true;
        }
        String dir = base.endsWith("/") ? base : base + "/";
        return path.equals(base) || path.startsWith(dir);
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}
