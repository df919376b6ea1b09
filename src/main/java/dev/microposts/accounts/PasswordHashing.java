package dev.microposts.accounts;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

import dev.microposts.platform.topology.ConditionalOnModule;

/**
 * Argon2id password hashes: salted, slow, and taking every byte of the password (no 72-byte
 * truncation as with bcrypt). Memory and iterations can be tuned for the hardware.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnModule("accounts")
class PasswordHashing {

	@Bean
	PasswordEncoder passwordEncoder(@Value("${microposts.password.argon2.memory-kib:16384}") int memoryKib,
			@Value("${microposts.password.argon2.iterations:2}") int iterations) {
		return new Argon2PasswordEncoder(16, 32, 1, memoryKib, iterations);
	}
}
