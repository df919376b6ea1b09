package dev.microposts.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.mock.env.MockEnvironment;

/** The trusted proxies' addresses and ranges, and the forms of the forwarded headers believed from them. */
class TrustedProxiesTests {

    private static ForwardedProperties bind(MockEnvironment environment) {
        return Binder.get(environment).bindOrCreate("microposts.forwarded", ForwardedProperties.class);
    }

    @Test
    void byDefaultLoopbackAndThePrivateRangesAreTrusted() {
        TrustedProxies trusted = bind(new MockEnvironment()).proxies();
        assertThat(List.of(
                        "127.0.0.1",
                        "127.1.2.3",
                        "10.0.0.1",
                        "10.255.255.255",
                        "172.16.0.1",
                        "172.31.255.254",
                        "192.168.1.1",
                        "::1",
                        "0:0:0:0:0:0:0:1",
                        "fd12:3456::1",
                        "fc00::1",
                        "::ffff:10.1.2.3"))
                .allMatch(trusted::contains);
        assertThat(List.of(
                        "8.8.8.8",
                        "172.15.255.255",
                        "172.32.0.1",
                        "192.169.0.1",
                        "11.0.0.1",
                        "2001:db8::1",
                        "fe80::1",
                        "localhost",
                        "",
                        "not an address"))
                .noneMatch(trusted::contains);
        assertThat(trusted.contains(null)).isFalse();
    }

    @Test
    void theListIsConfigurableAndCanTrustNoOne() {
        TrustedProxies only = bind(new MockEnvironment()
                        .withProperty(
                                "microposts.forwarded.trusted-proxies", "203.0.113.0/24, 2001:db8::/32,198.51.100.7"))
                .proxies();
        assertThat(only.contains("203.0.113.200")).isTrue();
        assertThat(only.contains("2001:db8:1::5")).isTrue();
        assertThat(only.contains("198.51.100.7")).isTrue();
        assertThat(only.contains("198.51.100.8")).isFalse();
        assertThat(only.contains("127.0.0.1")).isFalse();

        TrustedProxies none = bind(new MockEnvironment().withProperty("microposts.forwarded.trusted-proxies", ""))
                .proxies();
        assertThat(none.contains("127.0.0.1")).isFalse();
    }

    @Test
    void anEntryThatIsNotAnAddressOrARangeIsRefused() {
        for (String entry :
                List.of("10.0.0.0/33", "::/129", "proxy.example.org", "10.0.0/8", "10.0.0.0/x", "1.2.3.4/")) {
            assertThatThrownBy(() -> TrustedProxies.of(List.of(entry)))
                    .as(entry)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + entry + "'");
        }
    }

    @Test
    void onlyWellFormedValuesOfTheContractsHeadersAreBelieved() {
        assertThat(ForwardedHeaders.wellFormed("X-Forwarded-Host", List.of("example.org")))
                .isTrue();
        assertThat(ForwardedHeaders.wellFormed("x-forwarded-host", List.of("example.org:8443, 10.0.0.1:80")))
                .isTrue();
        assertThat(ForwardedHeaders.wellFormed("X-Forwarded-Host", List.of("[2001:db8::1]:443")))
                .isTrue();
        assertThat(ForwardedHeaders.wellFormed("X-Forwarded-Host", List.of("a b")))
                .isFalse();
        assertThat(ForwardedHeaders.wellFormed("X-Forwarded-Host", List.of("example.org:99999")))
                .isFalse();
        assertThat(ForwardedHeaders.wellFormed("X-Forwarded-Host", List.of("example.org/path")))
                .isFalse();
        assertThat(ForwardedHeaders.wellFormed("X-Forwarded-Host", List.of("user@example.org")))
                .isFalse();
        assertThat(ForwardedHeaders.wellFormed("X-Forwarded-Proto", List.of("HTTPS")))
                .isTrue();
        assertThat(ForwardedHeaders.wellFormed("X-Forwarded-Proto", List.of("javascript")))
                .isFalse();
        assertThat(ForwardedHeaders.wellFormed("X-Forwarded-Port", List.of("65535")))
                .isTrue();
        assertThat(ForwardedHeaders.wellFormed("X-Forwarded-Port", List.of("65536")))
                .isFalse();
        assertThat(ForwardedHeaders.wellFormed("X-Forwarded-Port", List.of("abc")))
                .isFalse();
        assertThat(ForwardedHeaders.wellFormed("X-Forwarded-Prefix", List.of("/api/v1/")))
                .isTrue();
        assertThat(ForwardedHeaders.wellFormed("X-Forwarded-Prefix", List.of("/a%20b")))
                .isTrue();
        assertThat(ForwardedHeaders.wellFormed("X-Forwarded-Prefix", List.of("/a b")))
                .isFalse();
        assertThat(ForwardedHeaders.wellFormed("X-Forwarded-Prefix", List.of("api")))
                .isFalse();
        assertThat(ForwardedHeaders.wellFormed("X-Forwarded-Prefix", List.of("//evil.example")))
                .isFalse();
        assertThat(ForwardedHeaders.wellFormed("X-Forwarded-Prefix", List.of("/a?b")))
                .isFalse();
        assertThat(ForwardedHeaders.wellFormed("X-Forwarded-Prefix", List.of("/%zz")))
                .isFalse();
        assertThat(ForwardedHeaders.wellFormed("X-Forwarded-Prefix", List.of("/a;jsessionid=1")))
                .isFalse();
        assertThat(ForwardedHeaders.wellFormed("Forwarded", List.of("host=example.org")))
                .isFalse();
        assertThat(ForwardedHeaders.wellFormed("X-Forwarded-Ssl", List.of("on")))
                .isFalse();
    }
}
