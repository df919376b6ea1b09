/**
 * Accounts: users, password hashes, token signing keys. Other modules may use {@link Accounts}
 * and listen for {@link UserRegistered}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Accounts")
package dev.microposts.accounts;
