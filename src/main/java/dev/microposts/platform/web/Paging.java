package dev.microposts.platform.web;

import dev.microposts.platform.core.FieldError;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;

/**
 * Cursor pagination of newest-first lists: {@code ?limit} (1..100, default 20) and an opaque
 * {@code ?cursor} naming the last key seen. Lists are read one item beyond the limit to know
 * whether a {@code Link: rel="next"} is due; keys only decrease along a list, so new items never
 * shift a walk already begun (no duplicates, no gaps).
 */
public final class Paging {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    /** A page to read: at most {@code limit} items whose key is below {@code before} (when set). */
    public record Page(int limit, Long before) {

        /** The number of rows to fetch: one more than the limit, to detect a next page. */
        public int fetchSize() {
            return limit + 1;
        }

        public long beforeOrMax() {
            return before == null ? Long.MAX_VALUE : before;
        }
    }

    private Paging() {}

    /** Parses {@code limit} and {@code cursor}; anything out of range or not a number is a 400. */
    public static Page page(String limit, String cursor) {
        List<FieldError> errors = new ArrayList<>();
        int parsedLimit = DEFAULT_LIMIT;
        if (limit != null) {
            try {
                parsedLimit = Integer.parseInt(limit.trim());
                if (parsedLimit < 1 || parsedLimit > MAX_LIMIT) {
                    errors.add(new FieldError("limit", "must be between 1 and " + MAX_LIMIT));
                }
            } catch (NumberFormatException ex) {
                errors.add(new FieldError("limit", "must be an integer between 1 and " + MAX_LIMIT));
            }
        }
        Long before = null;
        if (cursor != null) {
            try {
                before = Long.parseLong(cursor.trim());
                if (before < 1) {
                    errors.add(new FieldError("cursor", "is not a cursor of this list"));
                }
            } catch (NumberFormatException ex) {
                errors.add(new FieldError("cursor", "is not a cursor of this list"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return new Page(parsedLimit, before);
    }

    /**
     * Answers a list read with {@link Page#fetchSize()} rows: trims the extra row and, when it
     * existed, adds a {@code Link} to the next page that keeps {@code extraQuery} parameters.
     */
    public static <R, T> ResponseEntity<List<T>> respond(
            Page page, List<R> rows, ToLongFunction<R> key, Function<R, T> view, Map<String, String> extraQuery) {
        if (rows.size() <= page.limit()) {
            return ResponseEntity.ok(rows.stream().map(view).toList());
        }
        List<R> items = rows.subList(0, page.limit());
        Map<String, String> query = new LinkedHashMap<>();
        query.put("limit", Integer.toString(page.limit()));
        extraQuery.forEach((name, value) -> {
            if (value != null) {
                query.put(name, value);
            }
        });
        query.put("cursor", Long.toString(key.applyAsLong(items.get(items.size() - 1))));
        StringBuilder next = new StringBuilder(Links.currentPath());
        char separator = '?';
        for (var entry : query.entrySet()) {
            next.append(separator)
                    .append(entry.getKey())
                    .append('=')
                    .append(URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8));
            separator = '&';
        }
        return ResponseEntity.ok()
                .header(HttpHeaders.LINK, "<" + next + ">; rel=\"next\"")
                .body(items.stream().map(view).toList());
    }
}
