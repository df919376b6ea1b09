package dev.microposts.accounts;

import java.time.Instant;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.jdbc.ModuleSchema;
import dev.microposts.platform.jdbc.Sql;

/** The accounts module's tables: users, failed logins and signing keys. */
@Repository
@ConditionalOnModule(ModuleId.ACCOUNTS)
class Users {

	record User(String username, String passwordHash, Instant joined) {
	}

	private final JdbcClient jdbc;

	Users(JdbcClient jdbc, DataSource dataSource) {
		ModuleSchema.migrate(dataSource, "accounts");
		this.jdbc = jdbc;
	}

	void insert(User user) {
		jdbc.sql("INSERT INTO accounts_users (username, password_hash, joined_at) VALUES (?, ?, ?)")
				.params(user.username(), user.passwordHash(), Sql.timestamp(user.joined())).update();
	}

	Optional<User> find(String username) {
		return jdbc.sql("SELECT username, password_hash, joined_at FROM accounts_users WHERE username = ?")
				.param(username)
				.query((rs, i) -> new User(rs.getString(1), rs.getString(2), Sql.instant(rs, "joined_at")))
				.optional();
	}

	boolean exists(String username) {
		return jdbc.sql("SELECT COUNT(*) FROM accounts_users WHERE username = ?").param(username)
				.query(Long.class).single() > 0;
	}

	void recordFailedLogin(String username, Instant at) {
		jdbc.sql("DELETE FROM accounts_login_failures WHERE username = ? AND failed_at < ?")
				.params(username, Sql.timestamp(at.minusSeconds(3600))).update();
		jdbc.sql("INSERT INTO accounts_login_failures (username, failed_at) VALUES (?, ?)")
				.params(username, Sql.timestamp(at)).update();
	}

	/** Failure times for a username since {@code since}, newest first. */
	java.util.List<Instant> failedLoginsSince(String username, Instant since) {
		return jdbc.sql("SELECT failed_at FROM accounts_login_failures WHERE username = ? AND failed_at > ? "
				+ "ORDER BY failed_at DESC").params(username, Sql.timestamp(since))
				.query((rs, i) -> Sql.instant(rs, "failed_at")).list();
	}

	void clearFailedLogins(String username) {
		jdbc.sql("DELETE FROM accounts_login_failures WHERE username = ?").param(username).update();
	}

	Optional<String> signingKey() {
		return jdbc.sql("SELECT jwk FROM accounts_signing_keys ORDER BY created_at, kid").query(String.class).list()
				.stream().findFirst();
	}

	void insertSigningKey(String kid, String jwk, Instant createdAt) {
		jdbc.sql("INSERT INTO accounts_signing_keys (kid, jwk, created_at) VALUES (?, ?, ?)")
				.params(kid, jwk, Sql.timestamp(createdAt)).update();
	}
}
