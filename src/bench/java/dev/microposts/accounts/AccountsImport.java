package dev.microposts.accounts;

import org.springframework.context.ApplicationContext;

/**
 * The benchmark's bulk loader's way into the accounts module (benchmark code only): registration
 * through the module's own service, as the HTTP endpoint does it, without HTTP.
 */
public final class AccountsImport {

    private final AccountService service;

    public AccountsImport(ApplicationContext context) {
        this.service = context.getBean(AccountService.class);
    }

    public void register(String username, String password) {
        service.register(username, password);
    }
}
