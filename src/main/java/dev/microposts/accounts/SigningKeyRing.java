package dev.microposts.accounts;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of the accounts module at a moment: the one that signs, and every one that still
 * verifies. A key signs from its activation until the next generation's; it verifies (and is
 * listed in the JWKS) from when it is stored, so a rotated key is known everywhere before it
 * signs, until its successor activated plus the token lifetime (and {@link #MARGIN}), so every
 * token it signed stays valid until it expires. Stored keys are read again every
 * {@link #RELOAD_EVERY}, so that replicas see a rotation (which activates later than that).
 * As a {@link JWKSource} it is the set of verification keys.
 */
final class SigningKeyRing implements JWKSource<SecurityContext> {

    /** How stale this replica's view of the stored keys may be. */
    static final Duration RELOAD_EVERY = Duration.ofSeconds(30);
    /** Clock skew between replicas, and a replica's stale view: added to every key's end. */
    static final Duration MARGIN = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(SigningKeyRing.class);

    /**
     * A key and its times: {@code generation} null for a key that never signs again (it only
     * verifies until {@code retiresAt} plus the token lifetime).
     */
    record Entry(RSAKey key, Integer generation, Instant activatesAt, Instant retiresAt) {}

    private record Loaded(List<Entry> entries, Instant at) {}

    private final Supplier<List<Entry>> loader;
    private final Duration tokenTtl;
    private final Clock clock;
    private volatile Loaded loaded;

    SigningKeyRing(Supplier<List<Entry>> loader, Duration tokenTtl, Clock clock) {
        this.loader = loader;
        this.tokenTtl = tokenTtl;
        this.clock = clock;
        this.loaded = new Loaded(loader.get(), clock.instant());
        if (signing(loaded.entries(), clock.instant()) == null) {
            throw new IllegalStateException("There is no token signing key");
        }
    }

    /** One key, always: the one given in MICROPOSTS_JWT_PRIVATE_KEY. */
    static SigningKeyRing of(RSAKey key) {
        List<Entry> one = List.of(new Entry(key, 1, Instant.EPOCH, null));
        return new SigningKeyRing(() -> one, Duration.ZERO, Clock.systemUTC());
    }

    /** The key that signs now. */
    RSAKey signingKey() {
        Instant now = clock.instant();
        return signing(entries(now), now).key();
    }

    /** The keys that verify now (private halves included: for this process only). */
    List<RSAKey> verificationKeys() {
        Instant now = clock.instant();
        List<Entry> all = entries(now);
        List<RSAKey> keys = new ArrayList<>();
        for (Entry entry : all) {
            if (verifies(entry, all, now)) {
                keys.add(entry.key());
            }
        }
        return keys;
    }

    /** The public halves of the keys that verify now, as served at {@code /.well-known/jwks.json}. */
    Map<String, Object> publicJwks() {
        return new JWKSet(verificationKeys().stream()
                        .map(key -> (JWK) key.toPublicJWK())
                        .toList())
                .toJSONObject();
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) {
        return selector.select(new JWKSet(
                verificationKeys().stream().map(key -> (JWK) key.toPublicJWK()).toList()));
    }

    /** The source of the key that signs now, for the encoder (which writes its id into the header). */
    JWKSource<SecurityContext> signingSource() {
        return (selector, context) -> selector.select(new JWKSet(signingKey()));
    }

    /** Whether a key verifies at {@code now}: until its end (if any) plus the token lifetime and the margin. */
    boolean verifies(Entry entry, List<Entry> all, Instant now) {
        Instant end = end(entry, all);
        return end == null || now.isBefore(end.plus(tokenTtl).plus(MARGIN));
    }

    /** When a key stops signing: its successor's activation, or its retirement; null while it is the newest. */
    static Instant end(Entry entry, List<Entry> all) {
        Instant end = entry.retiresAt();
        if (entry.generation() != null) {
            for (Entry other : all) {
                if (other.generation() != null
                        && other.generation() > entry.generation()
                        && (end == null || other.activatesAt().isBefore(end))) {
                    end = other.activatesAt();
                }
            }
        }
        return end;
    }

    /** The newest generation active at {@code now}; the oldest if none is yet (a clock behind the one that stored it). */
    static Entry signing(List<Entry> entries, Instant now) {
        List<Entry> generations = entries.stream()
                .filter(entry -> entry.generation() != null)
                .sorted(Comparator.comparing(Entry::generation))
                .toList();
        Entry signing = generations.isEmpty() ? null : generations.get(0);
        for (Entry entry : generations) {
            if (!entry.activatesAt().isAfter(now)) {
                signing = entry;
            }
        }
        return signing;
    }

    private List<Entry> entries(Instant now) {
        Loaded current = loaded;
        if (now.isAfter(current.at().plus(RELOAD_EVERY))) {
            synchronized (this) {
                current = loaded;
                if (now.isAfter(current.at().plus(RELOAD_EVERY))) {
                    try {
                        List<Entry> entries = loader.get();
                        current = signing(entries, now) == null
                                ? new Loaded(current.entries(), now)
                                : new Loaded(entries, now);
                    } catch (RuntimeException ex) {
                        log.warn(
                                "Could not read the token signing keys again; using the ones read at {}: {}",
                                current.at(),
                                ex.toString());
                        current = new Loaded(current.entries(), now);
                    }
                    loaded = current;
                }
            }
        }
        return current.entries();
    }
}
