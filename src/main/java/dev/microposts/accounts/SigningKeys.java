package dev.microposts.accounts;

import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;

/**
 * The RS256 key that signs tokens. Given by {@code MICROPOSTS_JWT_PRIVATE_KEY} (a PKCS#8 PEM RSA
 * key) in production; otherwise generated on first start and stored in the accounts database,
 * so that every replica of the module signs with the same key.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnModule(ModuleId.ACCOUNTS)
class SigningKeys {

	@Bean
	RSAKey signingKey(Users users, AccountsProperties settings) {
		String pem = settings.jwt().privateKey();
		if (!pem.isBlank()) {
			return fromPem(pem);
		}
		return users.signingKey().map(SigningKeys::parse).orElseGet(() -> generateAndStore(users));
	}

	@Bean
	JwtEncoder jwtEncoder(RSAKey signingKey) {
		return new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(signingKey)));
	}

	@Bean
	JwtDecoder localJwtDecoder(RSAKey signingKey) throws JOSEException {
		return TokenVerification.withValidation(NimbusJwtDecoder.withPublicKey(signingKey.toRSAPublicKey()).build());
	}

	/** The public half, as served at {@code /.well-known/jwks.json}. */
	static Map<String, Object> publicJwks(RSAKey signingKey) {
		return new JWKSet(signingKey.toPublicJWK()).toJSONObject();
	}

	private static RSAKey generateAndStore(Users users) {
		try {
			RSAKey key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).keyIDFromThumbprint(true).generate();
			try {
				users.insertSigningKey(key.getKeyID(), key.toJSONString(), Instant.now());
				return key;
			}
			catch (DataIntegrityViolationException raced) {
				// another replica stored its key first: use that one
				return users.signingKey().map(SigningKeys::parse).orElseThrow(() -> raced);
			}
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Could not generate a signing key", ex);
		}
	}

	private static RSAKey parse(String jwk) {
		try {
			return RSAKey.parse(jwk);
		}
		catch (ParseException ex) {
			throw new IllegalStateException("The stored signing key is not a valid RSA JWK", ex);
		}
	}

	static RSAKey fromPem(String pem) {
		try {
			String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
			var factory = KeyFactory.getInstance("RSA");
			var privateKey = (RSAPrivateCrtKey) factory
					.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
			var publicKey = (RSAPublicKey) factory
					.generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
			return new RSAKey.Builder(publicKey).privateKey(privateKey).keyUse(KeyUse.SIGNATURE)
					.keyIDFromThumbprint().build();
		}
		catch (Exception ex) {
			throw new IllegalStateException(
					"MICROPOSTS_JWT_PRIVATE_KEY must be an RSA private key in PKCS#8 PEM form", ex);
		}
	}
}
