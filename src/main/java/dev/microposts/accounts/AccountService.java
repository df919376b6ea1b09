package dev.microposts.accounts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import com.nimbusds.jose.jwk.RSAKey;

import dev.microposts.platform.web.ApiProblem;
import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.web.Text;

/** Registration, login with throttling, and the local implementation of {@link Accounts}. */
@Service
@ConditionalOnModule(ModuleId.ACCOUNTS)
class AccountService implements Accounts {

	/** Failed logins allowed per username in {@link #THROTTLE_WINDOW} before 429. */
	static final int MAX_FAILURES = 5;
	static final Duration THROTTLE_WINDOW = Duration.ofMinutes(1);

	record Token(String token, Instant expiresAt) {
	}

	private final Users users;
	private final PasswordEncoder passwords;
	private final JwtEncoder encoder;
	private final RSAKey signingKey;
	private final ApplicationEventPublisher events;
	private final Duration tokenTtl;
	private final Clock clock;
	private final String unknownUserHash;

	AccountService(Users users, PasswordEncoder passwords, JwtEncoder encoder, RSAKey signingKey,
			ApplicationEventPublisher events, AccountsProperties settings) {
		this.users = users;
		this.passwords = passwords;
		this.encoder = encoder;
		this.signingKey = signingKey;
		this.events = events;
		this.tokenTtl = settings.token().ttl();
		this.clock = Clock.systemUTC();
		this.unknownUserHash = passwords.encode("a password nobody has");
	}

	@Override
	public boolean exists(String username) {
		return Text.isUsername(username) && users.exists(username);
	}

	@Transactional
	Users.User register(String username, String password) {
		Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
		var user = new Users.User(username, passwords.encode(password), now);
		try {
			users.insert(user);
		}
		catch (DuplicateKeyException ex) {
			throw ApiProblem.conflict("The username '" + username + "' is taken.");
		}
		events.publishEvent(UserRegistered.of(username, now));
		return user;
	}

	java.util.Optional<Users.User> find(String username) {
		return Text.isUsername(username) ? users.find(username) : java.util.Optional.empty();
	}

	/**
	 * Checks credentials: 429 while the username is throttled, 401 for an unknown user or a wrong
	 * password (the same answer, after the same hashing work), a signed token otherwise.
	 */
	Token login(String username, String password) {
		Instant now = clock.instant();
		List<Instant> failures = users.failedLoginsSince(username, now.minus(THROTTLE_WINDOW));
		if (failures.size() >= MAX_FAILURES) {
			Instant allowedAgain = failures.get(MAX_FAILURES - 1).plus(THROTTLE_WINDOW);
			long seconds = Math.max(1, (Duration.between(now, allowedAgain).toMillis() + 999) / 1000);
			throw ApiProblem.tooManyRequests(
					"Too many failed logins for this username; try again in " + seconds + " seconds.", seconds);
		}
		var user = users.find(username);
		boolean valid = passwords.matches(password, user.map(Users.User::passwordHash).orElse(unknownUserHash))
				&& user.isPresent();
		if (!valid) {
			users.recordFailedLogin(username, now);
			throw ApiProblem.unauthorized("The username or password is wrong.");
		}
		if (!failures.isEmpty()) {
			users.clearFailedLogins(username);
		}
		return issue(username, now);
	}

	private Token issue(String username, Instant now) {
		Instant issuedAt = now.truncatedTo(ChronoUnit.SECONDS);
		Instant expiresAt = issuedAt.plus(tokenTtl);
		var claims = JwtClaimsSet.builder().issuer(TokenVerification.ISSUER).subject(username).issuedAt(issuedAt)
				.expiresAt(expiresAt).build();
		var header = JwsHeader.with(SignatureAlgorithm.RS256).keyId(signingKey.getKeyID()).build();
		String token = encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue();
		return new Token(token, expiresAt);
	}
}
