package io.calbridge.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calbridge.platform.web.ApiProblem;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** Which URLs an endpoint may have, with a fake resolver standing in for DNS. */
class WebhookUrlPolicyTest {

    /** What the fake DNS knows; anything else does not resolve. */
    private static final Map<String, String> DNS = Map.of(
            "hooks.example.com", "93.184.215.14",
            "inside.example.com", "10.1.2.3",
            "sneaky.example.com", "169.254.169.254",
            "mixed.example.com", "93.184.215.14,192.168.1.10",
            "v6.example.com", "2606:2800:220:1:248:1893:25c8:1946",
            "ula.example.com", "fd12:3456::1",
            "listed-by-address.example.com", "10.9.9.9");

    private final WebhookUrlPolicy policy = new WebhookUrlPolicy(List.of(), WebhookUrlPolicyTest::resolve);

    @ParameterizedTest
    @ValueSource(strings = {"https://hooks.example.com/calbridge", "https://HOOKS.example.com./x?y=1", "https://93.184.215.14/hook",
            "https://[2606:2800:220:1:248:1893:25c8:1946]:8443/", "https://v6.example.com/", "https://8.8.8.8"})
    void publicHttpsUrlsAreAccepted(String url) {
        assertThat(policy.check(url)).isEqualTo(URI.create(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://127.0.0.1/x", "https://127.255.0.1/", "https://[::1]/", "https://localhost/"})
    void loopbackIsRefused(String url) {
        assertRefused(url, "loopback");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://10.0.0.5", "https://172.16.0.1/", "https://172.31.255.255/", "https://192.168.0.1/",
            "https://[fc00::1]/", "https://[fd12:3456::1]/", "https://inside.example.com/", "https://ula.example.com/"})
    void privateAddressesAndNamesResolvingToThemAreRefused(String url) {
        assertRefused(url, "private");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://169.254.169.254/latest", "https://[fe80::1]/", "https://sneaky.example.com/meta-data"})
    void linkLocalIsRefused(String url) {
        assertRefused(url, "link-local");
    }

    @Test
    void theOtherInternalClassesAreRefused() {
        assertRefused("https://0.0.0.0/", "unspecified");
        assertRefused("https://[::]/", "unspecified");
        assertRefused("https://0.1.2.3/", "unspecified");
        assertRefused("https://224.0.0.1/", "multicast");
        assertRefused("https://[ff02::1]/", "multicast");
        assertRefused("https://100.64.0.1/", "CGNAT");
        assertRefused("https://100.127.255.254/", "CGNAT");
        assertRefused("https://255.255.255.255/", "broadcast");
        assertThat(policy.check("https://100.63.255.255/")).as("just below CGNAT").isNotNull();
        assertThat(policy.check("https://172.32.0.1/")).as("just above 172.16/12").isNotNull();
    }

    @Test
    void ipv6FormsOfInternalIpv4AddressesAreRefused() {
        assertRefused("https://[::ffff:10.0.0.1]/", "private");
        assertRefused("https://[::ffff:7f00:1]/", "loopback");
        assertRefused("https://[::ffff:169.254.169.254]/", "link-local");
        assertRefused("https://[::10.0.0.1]/", "private");
        assertRefused("https://[64:ff9b::a00:1]/", "private");
    }

    @Test
    void aNameWithOneInternalAddressAmongPublicOnesIsRefused() {
        assertRefused("https://mixed.example.com/", "private");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://127.1/", "https://2130706433/", "https://0177.0.0.1/", "https://0x7f.0.0.1/", "https://010.0.0.1/"})
    void numericHostsThatAreNoCanonicalDottedQuadAreRefused(String url) {
        // java.net.URI itself reads some of them as no host at all (a top label must begin with a letter)
        assertThatThrownBy(() -> policy.check(url)).as(url).isInstanceOfSatisfying(ApiProblem.class, problem -> {
            assertThat(problem.code()).isEqualTo("invalid_url");
            assertThat(problem.getMessage()).containsAnyOf("is not a canonical IPv4 address", "must name a host");
        });
    }

    @Test
    void aNameThatDoesNotResolveIsRefused() {
        assertRefused("https://nowhere.example.com/", "does not resolve");
    }

    @Test
    void malformedOrUnsafeUrlsAreRefusedWithADetailSayingWhy() {
        assertRefused("http://hooks.example.com/", "https");
        assertRefused("ftp://hooks.example.com/", "https");
        assertRefused("not a url", "not a valid URL");
        assertRefused("/relative/path", "absolute");
        assertRefused("mailto:someone@example.com", "absolute");
        assertRefused("https://user:pw@hooks.example.com/", "user name or password");
        assertRefused("https://hooks.example.com/#frag", "fragment");
        assertRefused("https://exa_mple.com/", "must name a host");
        assertRefused("https:///path", "must name a host");
        assertRefused("https://hooks.example.com:0/", "port");
        assertRefused("https://hooks.example.com:65536/", "port");
        assertRefused("", "required");
        assertRefused(null, "required");
        assertRefused("https://hooks.example.com/" + "x".repeat(2048), "longer than 2048");
    }

    @Test
    void aListedHostMayBeInternalAndPlainHttpAsWrittenOrAsItsLiteralAddress() {
        WebhookUrlPolicy listed = new WebhookUrlPolicy(List.of("localhost", "10.0.0.5", "::1", "inside.example.com", "10.9.9.9"),
                WebhookUrlPolicyTest::resolve);

        assertThat(listed.check("http://localhost:8081/hook")).isNotNull();
        assertThat(listed.check("https://LOCALHOST/hook")).isNotNull();
        assertThat(listed.check("http://10.0.0.5/hook")).isNotNull();
        assertThat(listed.check("https://[::1]:9000/")).isNotNull();
        assertThat(listed.check("https://[0:0:0:0:0:0:0:1]/")).as("the same address written longer").isNotNull();
        assertThat(listed.check("https://inside.example.com/")).isNotNull();
        assertThat(listed.check("https://listed-by-address.example.com/")).as("resolves to a listed address").isNotNull();
        assertRefused(listed, "http://listed-by-address.example.com/", "https");
        assertRefused(listed, "https://127.0.0.1/", "loopback");
        assertRefused(listed, "http://127.0.0.1:8081/", "https");
        assertRefused(listed, "https://10.0.0.6/", "private");
    }

    @Test
    void beforeADeliveryTheHostIsResolvedAgain() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> policy.checkResolved(URI.create("https://hooks.example.com/"))))
                .isNull();
        assertThatThrownBy(() -> policy.checkResolved(URI.create("https://inside.example.com/")))
                .isInstanceOf(RefusedAddress.class).hasMessageContaining("private").hasMessageContaining("10.1.2.3");
        assertThatThrownBy(() -> policy.checkResolved(URI.create("https://[::ffff:127.0.0.1]/")))
                .isInstanceOf(RefusedAddress.class).hasMessageContaining("loopback");
        assertThatThrownBy(() -> policy.checkResolved(URI.create("https://gone.example.com/")))
                .isInstanceOf(RefusedAddress.class).hasMessageContaining("does not resolve");
        WebhookUrlPolicy listed = new WebhookUrlPolicy(List.of("inside.example.com"), WebhookUrlPolicyTest::resolve);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> listed.checkResolved(URI.create("https://inside.example.com/"))))
                .isNull();
    }

    private void assertRefused(String url, String detailPart) {
        assertRefused(policy, url, detailPart);
    }

    private static void assertRefused(WebhookUrlPolicy policy, String url, String detailPart) {
        assertThatThrownBy(() -> policy.check(url)).as(url)
                .isInstanceOfSatisfying(ApiProblem.class, problem -> {
                    assertThat(problem.status()).isEqualTo(HttpStatus.BAD_REQUEST);
                    assertThat(problem.code()).isEqualTo("invalid_url");
                    assertThat(problem.getMessage()).startsWith("url").contains(detailPart);
                });
    }

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        if (host.equals("localhost")) {
            return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        }
        String addresses = DNS.get(host);
        if (addresses == null) {
            throw new UnknownHostException(host);
        }
        String[] each = addresses.split(",");
        InetAddress[] out = new InetAddress[each.length];
        for (int i = 0; i < each.length; i++) {
            out[i] = InetAddress.getByName(each[i]); // literals: parsed, not looked up
        }
        return out;
    }
}
