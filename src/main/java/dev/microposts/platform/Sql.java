package dev.microposts.platform;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Portable (H2 and PostgreSQL) mapping of instants to {@code timestamp with time zone}. */
public final class Sql {

	private Sql() {
	}

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
}
