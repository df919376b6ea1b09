package dev.microposts.accounts;

import dev.microposts.platform.core.FieldError;
import dev.microposts.platform.core.InvalidInput;
import dev.microposts.platform.core.Text;
import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Registration, login with throttling, and the local implementation of {@link Accounts}. */
@Service
@ConditionalOnModule(ModuleId.ACCOUNTS)
class AccountService implements Accounts {

    /** Failed logins allowed per username in {@link #THROTTLE_WINDOW} before 429 ({@link LoginThrottle}). */
    static final int MAX_FAILURES = LoginThrottle.MAX_FAILURES;

    static final Duration THROTTLE_WINDOW = LoginThrottle.WINDOW;

    /** A password's length in code points: every character counts, none is cut off. */
    static final int MIN_PASSWORD = 8;

    static final int MAX_PASSWORD = 128;

    record Token(String token, Instant expiresAt) {}

    private final Users users;
    private final LoginThrottle throttle;
    private final PasswordEncoder passwords;
    private final JwtEncoder encoder;
    private final ApplicationEventPublisher events;
    private final Duration tokenTtl;
    private final Clock clock;
    private final String unknownUserHash;
    private final TransactionTemplate transactions;

    AccountService(
            Users users,
            LoginThrottle throttle,
            PasswordEncoder passwords,
            JwtEncoder encoder,
            ApplicationEventPublisher events,
            AccountsProperties settings,
            PlatformTransactionManager transactions) {
        this.users = users;
        this.throttle = throttle;
        this.passwords = passwords;
        this.encoder = encoder;
        this.events = events;
        this.tokenTtl = settings.token().ttl();
        this.clock = Clock.systemUTC();
        this.unknownUserHash = passwords.encode("a password nobody has");
        this.transactions = new TransactionTemplate(transactions);
    }

    @Override
    public boolean exists(String username) {
        return Username.isValid(username) && users.exists(username);
    }

    /**
     * What is wrong with a registration: a username that breaks {@link Username}'s rule, a password
     * that is not 8..128 well-formed code points. A null field is the caller's to report.
     */
    static List<FieldError> registrationErrors(String username, String password) {
        List<FieldError> errors = new ArrayList<>();
        if (username != null && !Username.isValid(username)) {
            errors.add(new FieldError("username", Username.RULE));
        }
        if (password != null) {
            String malformed = Text.malformation(password);
            int length = Text.codePoints(password);
            if (malformed != null) {
                errors.add(new FieldError("password", malformed));
            } else if (length < MIN_PASSWORD || length > MAX_PASSWORD) {
                errors.add(new FieldError(
                        "password", "must be " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters long"));
            }
        }
        return errors;
    }

    /**
     * Registers a user. The password is hashed outside any transaction and only for a name that is
     * free (a taken one is refused before the slow hash); the insert and its event are one
     * transaction, and a concurrent registration of the same name loses with a conflict.
     */
    Users.User register(String username, String password) {
        List<FieldError> errors = registrationErrors(username, password);
        if (username == null || password == null) {
            errors.add(0, new FieldError(username == null ? "username" : "password", "is required"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInput(errors);
        }
        if (users.exists(username)) {
            throw new AccountRefusals.UsernameTaken(username);
        }
        var user = new Users.User(
                username, passwords.encode(password), clock.instant().truncatedTo(ChronoUnit.MILLIS));
        try {
            transactions.executeWithoutResult(status -> {
                users.insert(user);
                events.publishEvent(UserRegistered.of(username, user.joined()));
            });
        } catch (DuplicateKeyException ex) {
            throw new AccountRefusals.UsernameTaken(username);
        }
        return user;
    }

    java.util.Optional<Users.User> find(String username) {
        return Username.isValid(username) ? users.find(username) : java.util.Optional.empty();
    }

    /**
     * Checks credentials: 429 while the username is throttled, 401 for an unknown user or a wrong
     * password (the same answer, after the same hashing work), a signed token otherwise. The attempt
     * is reserved with the {@link LoginThrottle} first (atomically per username, in the database) and
     * counts as a failure until the password proves right; the hash runs after that transaction, with
     * no connection held, in the {@link HashingBulkhead} (503 when it has no room in time, and then
     * the attempt does not count).
     */
    Token login(String username, String password) {
        if (username == null || !Username.isValid(username)) {
            throw new InvalidInput("username", username == null ? "is required" : Username.RULE);
        }
        if (password == null) {
            throw new InvalidInput("password", "is required");
        }
        long attempt = throttle.reserve(username);
        boolean valid;
        try {
            var user = users.find(username);
            valid = passwords.matches(
                            password, user.map(Users.User::passwordHash).orElse(unknownUserHash))
                    && user.isPresent();
        } catch (RuntimeException notChecked) {
            try {
                throttle.release(attempt);
            } catch (RuntimeException alsoFailed) {
                notChecked.addSuppressed(alsoFailed);
            }
            throw notChecked;
        }
        if (!valid) {
            throw new AccountRefusals.BadCredentials();
        }
        throttle.succeeded(username, attempt);
        return issue(username, clock.instant());
    }

    private Token issue(String username, Instant now) {
        Instant issuedAt = now.truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = issuedAt.plus(tokenTtl);
        var claims = JwtClaimsSet.builder()
                .issuer(TokenVerification.ISSUER)
                .subject(username)
                .issuedAt(issuedAt)
                .expiresAt(expiresAt)
                .build();
        // the encoder signs with the key that signs now (SigningKeys) and writes its id into the header
        var header = JwsHeader.with(SignatureAlgorithm.RS256).build();
        String token = encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue();
        return new Token(token, expiresAt);
    }
}
