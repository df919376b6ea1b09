package dev.microposts.accounts;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;

/**
 * Argon2id password hashes: salted, slow, and taking every byte of the password (no 72-byte
 * truncation as with bcrypt). Memory and iterations can be tuned for the hardware.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnModule(ModuleId.ACCOUNTS)
class PasswordHashing {

	@Bean
	PasswordEncoder passwordEncoder(AccountsProperties settings) {
		AccountsProperties.Argon2 argon2 = settings.password().argon2();
		return new Argon2PasswordEncoder(16, 32, 1, argon2.memoryKib(), argon2.iterations());
	}
}
