package dev.microposts.accounts;

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

import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.MicropostsProperties;
import dev.microposts.platform.topology.ModuleId;

/**
 * How every process verifies the tokens the accounts module issues, without asking it per
 * request: with the signing key where the module runs ({@link SigningKeys}), with its public keys
 * fetched (and cached) from its JWKS endpoint elsewhere.
 */
@Configuration(proxyBeanMethods = false)
class TokenVerification {

	/** The {@code iss} of every token MicroPosts signs. */
	static final String ISSUER = "microposts";

	/** The verifier of processes that do not run the accounts module. */
	@Bean
	@ConditionalOnModule(value = ModuleId.ACCOUNTS, local = false)
	@ConditionalOnProperty("microposts.accounts.url")
	JwtDecoder remoteJwtDecoder(MicropostsProperties settings) {
		return withValidation(NimbusJwtDecoder
				.withJwkSetUri(settings.baseUrl(ModuleId.ACCOUNTS) + "/.well-known/jwks.json").build());
	}

	/** Adds the checks every verifier applies: issuer, and expiry without clock leeway. */
	static JwtDecoder withValidation(NimbusJwtDecoder decoder) {
		OAuth2TokenValidator<Jwt> validator = new DelegatingOAuth2TokenValidator<>(
				List.of(new JwtTimestampValidator(Duration.ZERO), new JwtIssuerValidator(ISSUER)));
		decoder.setJwtValidator(validator);
		return decoder;
	}
}
