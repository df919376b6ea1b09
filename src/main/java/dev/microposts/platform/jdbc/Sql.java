package dev.microposts.platform.jdbc;

import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;

/** Portable (H2 and PostgreSQL) SQL helpers: instants as {@code timestamp with time zone}, literals, conflicts. */
public final class Sql {

    private Sql() {}

    public static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** Escapes a search term for {@code LIKE ... ESCAPE '\'}, so that every character is literal. */
    public static String likeLiteral(String term) {
        return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /**
     * The clause that makes an INSERT skip a row whose key exists, for idempotent writes that can
     * race with a concurrent copy of themselves: {@code " ON CONFLICT DO NOTHING"} on PostgreSQL,
     * where a failed statement aborts its whole transaction (so catching the duplicate-key error
     * and going on is not possible); empty on H2, which undoes only the failed statement, so the
     * caller's catch of the duplicate-key error covers the race.
     */
    public static String onConflictDoNothing(DataSource dataSource) {
        try {
            String product = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
            return "PostgreSQL".equals(product) ? " ON CONFLICT DO NOTHING" : "";
        } catch (MetaDataAccessException ex) {
            throw new IllegalStateException("Cannot tell which database this is", ex);
        }
    }
}
