package dev.microposts.accounts;

import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Argon2id password hashes: salted, slow, and taking every byte of the password (no 72-byte
 * truncation as with bcrypt). Memory and iterations can be tuned for the hardware, and so can how many
 * hashes run at once ({@link HashingBulkhead}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnModule(ModuleId.ACCOUNTS)
class PasswordHashing {

    private static final Logger log = LoggerFactory.getLogger(PasswordHashing.class);

    /** Argon2id behind a {@link HashingBulkhead}: every hash of the module goes through it. */
    @Bean
    PasswordEncoder passwordEncoder(AccountsProperties settings) {
        AccountsProperties.Password password = settings.password();
        AccountsProperties.Argon2 argon2 = password.argon2();
        int size = password.maxConcurrent() != null
                ? password.maxConcurrent()
                : HashingBulkhead.defaultSize(
                        Runtime.getRuntime().maxMemory(),
                        argon2.memoryKib(),
                        Runtime.getRuntime().availableProcessors());
        log.info(
                "Password hashing: at most {} at once ({} KiB each), each waiting at most {} for its turn",
                size,
                argon2.memoryKib(),
                password.maxWait());
        return new HashingBulkhead(
                new Argon2PasswordEncoder(16, 32, 1, argon2.memoryKib(), argon2.iterations()),
                size,
                password.maxWait());
    }
}
