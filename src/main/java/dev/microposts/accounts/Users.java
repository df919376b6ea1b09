package dev.microposts.accounts;

import dev.microposts.platform.jdbc.ModuleSchema;
import dev.microposts.platform.jdbc.Sql;
import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The accounts module's tables of users and signing keys (failed logins: {@link LoginThrottle}). */
@Repository
@ConditionalOnModule(ModuleId.ACCOUNTS)
class Users {

    record User(String username, String passwordHash, Instant joined) {}

    private final JdbcClient jdbc;

    Users(JdbcClient jdbc, DataSource dataSource) {
        ModuleSchema.migrate(dataSource, "accounts");
        this.jdbc = jdbc;
    }

    void insert(User user) {
        jdbc.sql("INSERT INTO accounts_users (username, password_hash, joined_at) VALUES (?, ?, ?)")
                .params(user.username(), user.passwordHash(), Sql.timestamp(user.joined()))
                .update();
    }

    Optional<User> find(String username) {
        return jdbc.sql("SELECT username, password_hash, joined_at FROM accounts_users WHERE username = ?")
                .param(username)
                .query((rs, i) -> new User(rs.getString(1), rs.getString(2), Sql.instant(rs, "joined_at")))
                .optional();
    }

    boolean exists(String username) {
        return jdbc.sql("SELECT COUNT(*) FROM accounts_users WHERE username = ?")
                        .param(username)
                        .query(Long.class)
                        .single()
                > 0;
    }

    /**
     * A row of the signing keys ({@link SigningKeys}): {@code jwk} is the private JWK, as JSON or
     * sealed ({@link KeyEncryption}); {@code generation} is null only for keys of replicas that
     * raced before version 3 of the table, which no longer sign.
     */
    record StoredKey(
            String kid, String jwk, Integer generation, Instant createdAt, Instant activatesAt, Instant retiresAt) {}

    /** Every stored signing key, oldest generation first. */
    java.util.List<StoredKey> signingKeys() {
        return jdbc.sql("SELECT kid, jwk, generation, created_at, activates_at, retires_at FROM accounts_signing_keys "
                        + "ORDER BY generation, created_at, kid")
                .query((rs, i) -> new StoredKey(
                        rs.getString("kid"),
                        rs.getString("jwk"),
                        rs.getObject("generation", Integer.class),
                        Sql.instant(rs, "created_at"),
                        Sql.instant(rs, "activates_at"),
                        Sql.instant(rs, "retires_at")))
                .list();
    }

    /**
     * Stores a key, unless its generation (or kid) is stored already: false when another replica or
     * rotation was first. Not for use inside a transaction (on PostgreSQL the conflict would abort it).
     */
    boolean insertSigningKey(StoredKey key) {
        try {
            jdbc.sql("INSERT INTO accounts_signing_keys (kid, jwk, generation, created_at, activates_at) "
                            + "VALUES (?, ?, ?, ?, ?)")
                    .params(
                            key.kid(),
                            key.jwk(),
                            key.generation(),
                            Sql.timestamp(key.createdAt()),
                            Sql.timestamp(key.activatesAt()))
                    .update();
            return true;
        } catch (org.springframework.dao.DataIntegrityViolationException taken) {
            return false;
        }
    }

    /** Replaces a key's stored form (to seal a plain one), if it is still {@code expected}. */
    boolean replaceSigningKeyJwk(String kid, String expected, String replacement) {
        return jdbc.sql("UPDATE accounts_signing_keys SET jwk = ? WHERE kid = ? AND jwk = ?")
                        .params(replacement, kid, expected)
                        .update()
                == 1;
    }

    void deleteSigningKey(String kid) {
        jdbc.sql("DELETE FROM accounts_signing_keys WHERE kid = ?").param(kid).update();
    }
}
