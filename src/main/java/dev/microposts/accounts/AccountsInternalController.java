package dev.microposts.accounts;

import dev.microposts.platform.topology.ConditionalOnRemoteCallers;
import dev.microposts.platform.topology.ModuleId;
import io.swagger.v3.oas.annotations.Hidden;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The accounts module's API for processes that bind {@link Accounts} over HTTP
 * ({@link RemoteAccounts}): served only where those run elsewhere, and only to callers with the
 * internal token ({@code platform.topology.InternalEndpoints}).
 */
@RestController
@ConditionalOnRemoteCallers(ModuleId.ACCOUNTS)
@Hidden
class AccountsInternalController {

    private final AccountService accounts;

    AccountsInternalController(AccountService accounts) {
        this.accounts = accounts;
    }

    @GetMapping(RemoteAccounts.EXISTS)
    RemoteAccounts.Existence exists(@PathVariable String username) {
        return new RemoteAccounts.Existence(accounts.exists(username));
    }
}
