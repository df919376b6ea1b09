package dev.microposts.accounts;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.MicropostsProperties;
import dev.microposts.platform.topology.ModuleId;
import java.io.Closeable;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * How every process verifies the tokens the accounts module issues, without asking it per
 * request: with the module's keys where it runs ({@link SigningKeys}), with its public keys
 * fetched from its JWKS endpoint elsewhere ({@link RemoteKeys}: cached, refreshed ahead of
 * expiry, fetched again for an unknown key at most twice per interval, kept while the module
 * cannot be reached; when no key set can be had at all, the request is answered 503).
 */
@Configuration(proxyBeanMethods = false)
class TokenVerification {

    /** The {@code iss} of every token MicroPosts signs. */
    static final String ISSUER = "microposts";

    /** The accounts module's public keys, in processes that do not run it. */
    @Bean
    @ConditionalOnModule(value = ModuleId.ACCOUNTS, local = false)
    @ConditionalOnProperty("microposts.accounts.url")
    RemoteKeys remoteKeys(MicropostsProperties settings, AccountsProperties accounts) {
        return RemoteKeys.of(
                URI.create(settings.baseUrl(ModuleId.ACCOUNTS) + "/.well-known/jwks.json"),
                accounts.jwks(),
                settings.remote().connectTimeout(),
                settings.remote().readTimeout());
    }

    /** The verifier of processes that do not run the accounts module. */
    @Bean
    @ConditionalOnModule(value = ModuleId.ACCOUNTS, local = false)
    @ConditionalOnProperty("microposts.accounts.url")
    JwtDecoder remoteJwtDecoder(RemoteKeys keys) {
        return withValidation(NimbusJwtDecoder.withJwkSource(keys).build());
    }

    /** Adds the checks every verifier applies: issuer, and expiry without clock leeway. */
    static JwtDecoder withValidation(NimbusJwtDecoder decoder) {
        OAuth2TokenValidator<Jwt> validator = new DelegatingOAuth2TokenValidator<>(
                List.of(new JwtTimestampValidator(Duration.ZERO), new JwtIssuerValidator(ISSUER)));
        decoder.setJwtValidator(validator);
        return decoder;
    }

    /**
     * The key set of a JWKS endpoint, through Nimbus's {@link JWKSourceBuilder}: cached for
     * {@code cache}, refreshed in the background before it expires, fetched again (for a key id it
     * does not hold) at most twice per {@code refetchInterval}, one retry of a failed fetch, and
     * the last fetched set served for {@code outageTolerance} while fetches fail. A key id that is
     * unknown when a new fetch is not allowed yet is simply not found (the token is invalid: 401);
     * an exception from {@link #get} means that no key set can be had (503).
     */
    static final class RemoteKeys implements JWKSource<SecurityContext>, Closeable {

        private final JWKSetSource<SecurityContext> source;
        private final long staleForMillis;
        /** The last key set obtained, for the one case the source refuses although it holds one: see {@link #get}. */
        private volatile JWKSet lastSeen;

        private volatile long lastSeenAt;

        private RemoteKeys(JWKSetSource<SecurityContext> source, long staleForMillis) {
            this.source = source;
            this.staleForMillis = staleForMillis;
        }

        static RemoteKeys of(
                URI jwkSetUri, AccountsProperties.Jwks settings, Duration connectTimeout, Duration readTimeout) {
            var retriever = new DefaultResourceRetriever(
                    (int) connectTimeout.toMillis(),
                    (int) readTimeout.toMillis(),
                    JWKSourceBuilder.DEFAULT_HTTP_SIZE_LIMIT);
            JWKSourceBuilder<SecurityContext> builder;
            try {
                builder = JWKSourceBuilder.create(jwkSetUri.toURL(), retriever);
            } catch (MalformedURLException ex) {
                throw new IllegalStateException("MICROPOSTS_ACCOUNTS_URL is not a valid URL: " + jwkSetUri, ex);
            }
            long cache = settings.cache().toMillis();
            // how long a request waits for a fetch under way in another thread (a fetch and its retry)
            long refreshTimeout = Math.min(2 * (connectTimeout.toMillis() + readTimeout.toMillis()) + 1_000, cache / 2);
            builder.cache(cache, refreshTimeout)
                    .refreshAheadCache(Math.min(JWKSourceBuilder.DEFAULT_REFRESH_AHEAD_TIME, cache / 4), false)
                    .rateLimited(settings.refetchInterval().toMillis())
                    .retrying(true);
            if (!settings.outageTolerance().isZero()) {
                builder.outageTolerant(settings.outageTolerance().toMillis());
            }
            var built = (JWKSetBasedJWKSource<SecurityContext>) builder.build();
            return new RemoteKeys(
                    built.getJWKSetSource(), cache + settings.outageTolerance().toMillis());
        }

        @Override
        public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
            long now = System.currentTimeMillis();
            JWKSet keys;
            try {
                keys = source.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, context);
            } catch (RateLimitReachedException tooSoon) {
                // the cached set expired while unknown key ids used up the fetches of this interval:
                // the last set seen is still good (within the outage tolerance), else nothing is
                JWKSet seen = lastSeen;
                if (seen == null || now - lastSeenAt > staleForMillis) {
                    throw new KeySourceException(
                            "No key set of the accounts module could be fetched, and the next "
                                    + "attempt is not due yet",
                            tooSoon);
                }
                keys = seen;
            }
            remember(keys, now);
            List<JWK> matches = selector.select(keys);
            if (!matches.isEmpty()) {
                return matches;
            }
            try {
                JWKSet fresh = source.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(keys), now, context);
                remember(fresh, now);
                return selector.select(fresh);
            } catch (RateLimitReachedException tooSoon) {
                return List.of(); // an unknown key, asked for again too soon: the token is not valid
            }
        }

        private void remember(JWKSet keys, long now) {
            if (keys != lastSeen) {
                lastSeen = keys;
                lastSeenAt = now;
            }
        }

        @Override
        public void close() throws IOException {
            source.close();
        }
    }
}
