package dev.microposts.platform.web;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which peers may set the public URL of a request with {@code X-Forwarded-Proto},
 * {@code X-Forwarded-Host}, {@code X-Forwarded-Port} and {@code X-Forwarded-Prefix}
 * ({@link ForwardedHeaders}).
 *
 * @param trustedProxies addresses and CIDR ranges of the proxies whose forwarded headers are
 * honoured (default: loopback and the private ranges); from any other peer they are ignored
 */
@ConfigurationProperties("microposts.forwarded")
public record ForwardedProperties(
        @DefaultValue({"127.0.0.0/8", "::1", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"})
        List<String> trustedProxies) {

    public ForwardedProperties {
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        TrustedProxies.of(trustedProxies); // refuses an entry that is not an address or a range
    }

    public TrustedProxies proxies() {
        return TrustedProxies.of(trustedProxies);
    }
}
