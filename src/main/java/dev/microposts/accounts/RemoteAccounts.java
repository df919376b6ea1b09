package dev.microposts.accounts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.topology.RemoteModules;
import java.time.Duration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * {@link Accounts} over HTTP, for processes that do not run the accounts module. Users are never
 * deleted, so a user known to exist is remembered and asked about only once.
 */
@Component
@ConditionalOnModule(value = ModuleId.ACCOUNTS, local = false)
@ConditionalOnProperty("microposts.accounts.url")
class RemoteAccounts implements Accounts {

    /** The path of {@link Accounts#exists}, for this client and {@link AccountsController}. */
    static final String EXISTS = "/internal/accounts/users/{username}/exists";

    /** The answer of the accounts module's internal endpoint. */
    record Existence(boolean exists) {}

    private final RemoteModules.Remote remote;
    private final Cache<String, Boolean> known = Caffeine.newBuilder()
            .maximumSize(1_000_000)
            .expireAfterAccess(Duration.ofHours(12))
            .build();

    RemoteAccounts(RemoteModules remotes) {
        this.remote = remotes.of(ModuleId.ACCOUNTS);
    }

    @Override
    public boolean exists(String username) {
        if (!Username.isValid(username)) {
            return false;
        }
        if (known.getIfPresent(username) != null) {
            return true;
        }
        boolean exists = remote.read(() ->
                        remote.client().get().uri(EXISTS, username).retrieve().body(Existence.class))
                .exists();
        if (exists) {
            known.put(username, Boolean.TRUE);
        }
        return exists;
    }
}
