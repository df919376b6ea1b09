package dev.microposts.router;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;

/**
 * Flattens a JSON document into field paths and comparable values, for the shadow comparison.
 *
 * <p>Paths start at a root (e.g. {@code body}); an object's member is {@code .name} (or
 * {@code ["name"]} when the name is not a plain identifier), an array's element is {@code [i]}.
 * Values are the JSON text of each leaf, so a type change is a different value: a string is
 * quoted ({@code "1"}), a number is not ({@code 1}), and {@code true}, {@code false}, {@code null}
 * are literal. Numbers are compared by value ({@code 1}, {@code 1.0} and {@code 1e0} are equal).
 * Every container also has a field of its own, {@code object} or {@code array}, so that an empty
 * one, a missing one and a {@code null} differ, and every array has {@code <path>.length}.
 *
 * <p>Bounded for hostile input, never recursive (a 10,000-deep document is no stack overflow):
 *
 * <ul>
 *   <li>a container deeper than {@link Limits#maxDepth()} is not descended into: its path gets a
 *       digest of its whole content, so a difference below the cap is reported at the cap;
 *   <li>array elements from index {@link Limits#maxArrayElements()} on are one field,
 *       {@code <path>[n..]}, a digest of all of them (the length is still exact);
 *   <li>after {@link Limits#maxFields()} fields the remaining leaves are one field,
 *       {@code <root>.(truncated)}, a digest of their paths and values;
 *   <li>a member name longer than {@link Limits#maxKeyLength()} is shortened and suffixed with a
 *       digest of the whole name.
 * </ul>
 *
 * <p>Thread-safe (no mutable state).
 */
final class JsonFields {

    /**
     * Bounds on one flattening.
     *
     * @param maxDepth containers nested deeper than this are digested whole
     * @param maxArrayElements array elements compared one by one, the rest digested together
     * @param maxFields fields in one flattened document, the rest digested together
     * @param maxKeyLength characters of a member name kept in a path
     */
    record Limits(int maxDepth, int maxArrayElements, int maxFields, int maxKeyLength) {

        static final Limits DEFAULT = new Limits(64, 100, 5_000, 64);

        Limits {
            if (maxDepth < 1 || maxArrayElements < 0 || maxFields < 1 || maxKeyLength < 8) {
                throw new IllegalArgumentException("JSON flattening limits out of range");
            }
        }
    }

    static final String OBJECT = "object";
    static final String ARRAY = "array";

    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$-]*");

    /** The parser's own nesting limit is lifted: depth is capped here, without recursion. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(1_000_000).build())
            .build();

    private final Limits limits;

    JsonFields() {
        this(Limits.DEFAULT);
    }

    JsonFields(Limits limits) {
        this.limits = limits;
    }

    Limits limits() {
        return limits;
    }

    /**
     * The fields of a JSON document, or empty when the bytes are not one JSON value (empty,
     * malformed, or followed by anything but whitespace).
     */
    Optional<Map<String, String>> flatten(String root, byte[] json) {
        if (json == null || json.length == 0) {
            return Optional.empty();
        }
        try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), json)) {
            Map<String, String> fields = new Run(root, parser).run();
            if (parser.nextToken() != null) {
                return Optional.empty();
            }
            return Optional.of(fields);
        } catch (JacksonException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    /** One container being walked. */
    private static final class Frame {
        final String path;
        final boolean array;
        int index;
        MessageDigest tail;

        Frame(String path, boolean array) {
            this.path = path;
            this.array = array;
        }
    }

    /** One flattening: the parser, the fields so far, the open containers. */
    private final class Run {
        private final String root;
        private final JsonParser parser;
        private final Map<String, String> fields = new LinkedHashMap<>();
        private final Deque<Frame> open = new ArrayDeque<>();
        private MessageDigest overflow;

        Run(String root, JsonParser parser) {
            this.root = root;
            this.parser = parser;
        }

        Map<String, String> run() {
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw new IllegalStateException("no JSON value");
            }
            value(token, root);
            while (!open.isEmpty()) {
                token = parser.nextToken();
                if (token == null) {
                    throw new IllegalStateException("truncated JSON");
                }
                Frame frame = open.peek();
                if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    close(open.pop());
                    continue;
                }
                if (frame.array) {
                    int index = frame.index++;
                    if (index < limits.maxArrayElements()) {
                        value(token, frame.path + "[" + index + "]");
                    } else {
                        if (frame.tail == null) {
                            frame.tail = sha256();
                        }
                        digest(token, frame.tail);
                    }
                } else {
                    // a property name, then its value
                    String name = parser.currentName();
                    value(parser.nextToken(), frame.path + member(name));
                }
            }
            if (overflow != null) {
                fields.put(root + ".(truncated)", hex(overflow));
            }
            return fields;
        }

        /** A value at a path: a leaf is a field, a container is opened (or digested at the cap). */
        private void value(JsonToken token, String path) {
            if (token == null) {
                throw new IllegalStateException("truncated JSON");
            }
            if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                boolean array = token == JsonToken.START_ARRAY;
                if (open.size() >= limits.maxDepth()) {
                    MessageDigest subtree = sha256();
                    digest(token, subtree);
                    put(path, "depth-capped " + (array ? ARRAY : OBJECT) + " " + hex(subtree));
                    return;
                }
                put(path, array ? ARRAY : OBJECT);
                open.push(new Frame(path, array));
                return;
            }
            put(path, leaf(token));
        }

        private void close(Frame frame) {
            if (frame.array) {
                if (frame.tail != null) {
                    put(frame.path + "[" + limits.maxArrayElements() + "..]", hex(frame.tail));
                }
                put(frame.path + ".length", Integer.toString(frame.index));
            }
        }

        private void put(String path, String value) {
            if (fields.size() < limits.maxFields()) {
                fields.put(path, value);
                return;
            }
            if (overflow == null) {
                overflow = sha256();
            }
            update(overflow, path);
            update(overflow, value);
        }

        /** Feeds a whole value (a leaf, or a container to its end) into a digest, iteratively. */
        private void digest(JsonToken first, MessageDigest digest) {
            int depth = 0;
            JsonToken token = first;
            while (true) {
                if (token == null) {
                    throw new IllegalStateException("truncated JSON");
                }
                switch (token) {
                    case START_OBJECT -> {
                        depth++;
                        update(digest, "{");
                    }
                    case START_ARRAY -> {
                        depth++;
                        update(digest, "[");
                    }
                    case END_OBJECT -> {
                        depth--;
                        update(digest, "}");
                    }
                    case END_ARRAY -> {
                        depth--;
                        update(digest, "]");
                    }
                    case PROPERTY_NAME -> update(digest, "name:" + parser.currentName());
                    default -> update(digest, leaf(token));
                }
                if (depth == 0) {
                    return;
                }
                token = parser.nextToken();
            }
        }

        private String leaf(JsonToken token) {
            return switch (token) {
                case VALUE_STRING -> '"' + parser.getString() + '"';
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number(parser.getString());
                case VALUE_TRUE -> "true";
                case VALUE_FALSE -> "false";
                case VALUE_NULL -> "null";
                default -> throw new IllegalStateException("unexpected JSON token " + token);
            };
        }

        private String member(String name) {
            String shown = name;
            if (name.length() > limits.maxKeyLength()) {
                MessageDigest whole = sha256();
                update(whole, name);
                shown = name.substring(0, limits.maxKeyLength() - 8) + "…"
                        + hex(whole).substring(0, 8);
            }
            if (shown.equals(name) && PLAIN_NAME.matcher(name).matches()) {
                return "." + name;
            }
            return "[\"" + shown.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
        }
    }

    /** A number by value: trailing zeros dropped, plain notation unless the exponent is large. */
    static String number(String text) {
        BigDecimal value;
        try {
            value = new BigDecimal(text).stripTrailingZeros();
        } catch (NumberFormatException e) {
            return text;
        }
        if (value.signum() == 0) {
            return "0";
        }
        return value.scale() >= -40 && value.scale() <= 40 ? value.toPlainString() : value.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(MessageDigest digest, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        // length-prefixed, so that ("ab","c") and ("a","bc") differ
        digest.update((byte) (bytes.length >>> 24));
        digest.update((byte) (bytes.length >>> 16));
        digest.update((byte) (bytes.length >>> 8));
        digest.update((byte) bytes.length);
        digest.update(bytes);
    }

    /** The first 16 hex digits of a digest: plenty to tell values apart, short in a report. */
    static String hex(MessageDigest digest) {
        return "sha256:" + HexFormat.of().formatHex(digest.digest(), 0, 8);
    }
}
