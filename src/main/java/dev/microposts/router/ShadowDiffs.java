package dev.microposts.router;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shadow comparison with noise cancelling, per route group and field path, after Diffy.
 *
 * <p>For each shadowed read the router has three answers: {@code primary} (the one the client
 * got), {@code secondary} (the same request sent to the primary backend a second time) and
 * {@code candidate} (sent to the candidate backend). Each answer is flattened into fields:
 * {@code status}; the headers {@code header.Content-Type}, {@code header.Link},
 * {@code header.Location} (only these, names case-insensitive); and the body: a JSON body (one
 * whose {@code Content-Type} mentions {@code json}, or that starts with <code>{</code> or
 * {@code [}, and parses) as paths by {@link JsonFields} ({@code body.items[0].text},
 * {@code body.items.length}, ...), any other body as one field {@code body} (its length and
 * digest). A field present in one answer and absent in another differs.
 *
 * <p>Per field path this counts the <em>raw</em> differences (primary ≠ candidate) and the
 * <em>noise</em> (primary ≠ secondary: what differs when nothing changed, e.g. a nonce, a
 * timestamp, an order that is not stable), and keeps the last {@link NoiseRule#examples()}
 * requests in which the field differed either way, with the three answers as bounded text.
 *
 * <h2>The rule: when a field is a real difference</h2>
 *
 * This is the noise filter of Diffy (opendiffy/diffy, {@code
 * src/main/scala/ai/diffy/analysis/JoinedDifferences.scala}: {@code DifferencesFilterFactory}
 * and {@code JoinedField}), written anew here. With {@code raw} and {@code noise} the counts
 * above and {@code compared} the requests compared in the group (not only those where the field
 * occurred), a field path is reported as a real difference only when all three hold:
 *
 * <ol>
 *   <li>the candidate differs more often than the primary differs from itself: {@code raw >
 *       noise};
 *   <li>the excess is large relative to all the differences seen on the field:
 *       {@code 100 × (raw − noise) / (raw + noise) > relative} (percent, default 20; so with the
 *       default, raw must exceed 1.5 × noise);
 *   <li>the excess is large relative to the traffic: {@code 100 × (raw − noise) / compared >
 *       absolute} (percent of requests compared, default 0.03, i.e. more than 3 in 10,000).
 * </ol>
 *
 * A field that differs in every answer (a nonce) has {@code raw ≈ noise} and is cancelled; a
 * field that only the candidate changes has {@code noise = 0}, a relative excess of 100% and is
 * reported as soon as it differs in more than the absolute share of requests. Both comparisons
 * are strict, as in Diffy. All fields that ever differed are listed, with their counts; only the
 * flag says which pass the rule.
 *
 * <h2>Bounds</h2>
 *
 * At most {@link Limits#maxGroups()} groups and about {@link Limits#maxPathsPerGroup()} paths per
 * group are tracked (later ones are counted under {@code (other)}); an example keeps the status,
 * the three compared headers (no others: no cookies or tokens are kept) and the first {@link
 * Limits#exampleBytes()} bytes of each body, shared by all the paths that differed in that
 * request. Examples may hold personal data: serve them to operators only.
 *
 * <p>Thread-safe: {@link #record} may be called from several threads at once; counts are exact.
 */
final class ShadowDiffs {

    /**
     * Diffy's noise thresholds and the examples kept per field.
     *
     * @param relative percent: {@code 100 × (raw − noise) / (raw + noise)} must exceed it
     *     (Diffy's default 20)
     * @param absolute percent of requests compared: {@code 100 × (raw − noise) / compared} must
     *     exceed it (Diffy's default 0.03)
     * @param examples the last examples kept per group and field path (default 20)
     */
    record NoiseRule(double relative, double absolute, int examples) {

        static final NoiseRule DEFAULT = new NoiseRule(20.0, 0.03, 20);

        NoiseRule {
            if (!(relative >= 0 && relative <= 100) || !(absolute >= 0 && absolute <= 100) || examples < 0) {
                throw new IllegalArgumentException("noise rule out of range: relative and absolute are percentages"
                        + " (0 to 100), examples not negative");
            }
        }

        /** {@code 100 × (raw − noise) / (raw + noise)}, 0 when there is no difference at all. */
        static double relativeDifference(long raw, long noise) {
            return raw + noise == 0 ? 0 : 100.0 * Math.abs(raw - noise) / (raw + noise);
        }

        /** {@code 100 × (raw − noise) / compared}, 0 when nothing was compared. */
        static double absoluteDifference(long raw, long noise, long compared) {
            return compared == 0 ? 0 : 100.0 * Math.abs(raw - noise) / compared;
        }

        /** Diffy's rule: see {@link ShadowDiffs}. */
        boolean isDifference(long raw, long noise, long compared) {
            return raw > noise
                    && relativeDifference(raw, noise) > relative
                    && absoluteDifference(raw, noise, compared) > absolute;
        }
    }

    /**
     * Memory bounds.
     *
     * @param maxGroups groups tracked; requests of later groups are counted under {@code (other)}
     * @param maxPathsPerGroup field paths tracked per group (approximately, under concurrency);
     *     differences on later paths are counted under {@code (other)}
     * @param exampleBytes bytes of each body kept in an example
     * @param json bounds of the JSON flattening
     */
    record Limits(int maxGroups, int maxPathsPerGroup, int exampleBytes, JsonFields.Limits json) {

        static final Limits DEFAULT = new Limits(200, 500, 4096, JsonFields.Limits.DEFAULT);

        Limits {
            if (maxGroups < 1 || maxPathsPerGroup < 1 || exampleBytes < 0 || json == null) {
                throw new IllegalArgumentException("shadow comparison limits out of range");
            }
        }
    }

    /**
     * One request in which a field differed.
     *
     * @param at when it was recorded
     * @param primaryValue the field in the primary answer, {@code (absent)} when it had none
     *     (at most 256 characters)
     * @param secondaryValue likewise in the second primary answer
     * @param candidateValue likewise in the candidate's answer
     * @param primary the primary answer as text (status, compared headers, start of the body)
     * @param secondary the second primary answer as text
     * @param candidate the candidate's answer as text
     */
    record Example(
            Instant at,
            String primaryValue,
            String secondaryValue,
            String candidateValue,
            String primary,
            String secondary,
            String candidate) {}

    /**
     * One field path of a group.
     *
     * @param path the field path, e.g. {@code body.items[0].text}
     * @param compared requests compared in the group
     * @param raw requests in which primary and candidate differed on this field
     * @param noise requests in which primary and secondary differed on this field
     * @param relative {@code 100 × |raw − noise| / (raw + noise)}
     * @param absolute {@code 100 × |raw − noise| / compared}
     * @param difference whether this is a real difference by the {@link NoiseRule}
     * @param examples the last requests in which it differed, oldest first
     */
    record FieldReport(
            String path,
            long compared,
            long raw,
            long noise,
            double relative,
            double absolute,
            boolean difference,
            List<Example> examples) {}

    /**
     * One group: its requests compared and the fields that ever differed, real differences first,
     * then by raw differences, then by path.
     */
    record Report(String group, long compared, List<FieldReport> fields) {

        /** The fields that are real differences. */
        List<FieldReport> differences() {
            return fields.stream().filter(FieldReport::difference).toList();
        }

        /** A field by path, {@code null} when it never differed. */
        FieldReport field(String path) {
            return fields.stream()
                    .filter(f -> f.path().equals(path))
                    .findFirst()
                    .orElse(null);
        }
    }

    static final String OTHER = "(other)";
    static final String ABSENT = "(absent)";
    static final List<String> HEADERS = List.of("Content-Type", "Link", "Location");

    private static final int VALUE_CHARS = 256;

    private final NoiseRule rule;
    private final Limits limits;
    private final JsonFields json;
    private final Clock clock;
    private final ConcurrentHashMap<String, Group> groups = new ConcurrentHashMap<>();

    ShadowDiffs() {
        this(NoiseRule.DEFAULT);
    }

    ShadowDiffs(NoiseRule rule) {
        this(rule, Limits.DEFAULT, Clock.systemUTC());
    }

    ShadowDiffs(NoiseRule rule, Limits limits, Clock clock) {
        this.rule = Objects.requireNonNull(rule);
        this.limits = Objects.requireNonNull(limits);
        this.json = new JsonFields(limits.json());
        this.clock = Objects.requireNonNull(clock);
    }

    NoiseRule rule() {
        return rule;
    }

    /** Compares the three answers to one request of a group and counts what differed. */
    void record(String group, ShadowResponse primary, ShadowResponse secondary, ShadowResponse candidate) {
        Map<String, String> p = fields(primary);
        Map<String, String> s = fields(secondary);
        Map<String, String> c = fields(candidate);
        Group g = group(group);
        // counted before the fields, so that a report never sees more differences than requests
        g.compared.incrementAndGet();
        Set<String> paths = new HashSet<>(p.keySet());
        paths.addAll(s.keySet());
        paths.addAll(c.keySet());
        Texts texts = null;
        Instant at = null;
        Field other = null;
        boolean otherRaw = false;
        boolean otherNoise = false;
        Example otherExample = null;
        for (String path : paths) {
            String pv = p.get(path);
            String sv = s.get(path);
            String cv = c.get(path);
            boolean raw = !Objects.equals(pv, cv);
            boolean noise = !Objects.equals(pv, sv);
            if (!raw && !noise) {
                continue;
            }
            if (texts == null) {
                texts = new Texts(text(primary), text(secondary), text(candidate));
                at = clock.instant();
            }
            Example example = rule.examples() == 0
                    ? null
                    : new Example(at, shown(pv), shown(sv), shown(cv), texts.primary, texts.secondary, texts.candidate);
            Field field = g.field(path, limits.maxPathsPerGroup());
            if (field == g.fields.get(OTHER)) {
                // the paths beyond the bound count once per request together, like one field
                otherRaw |= raw;
                otherNoise |= noise;
                otherExample = otherExample == null ? example : otherExample;
                other = field;
                continue;
            }
            field.add(raw, noise, example, rule.examples());
        }
        if (other != null) {
            other.add(otherRaw, otherNoise, otherExample, rule.examples());
        }
    }

    /** The report of a group; an empty one when it has recorded nothing. */
    Report report(String group) {
        Group g = groups.get(group);
        return g == null ? new Report(group, 0, List.of()) : g.report(group);
    }

    /** The reports of all groups, by group name. */
    Map<String, Report> all() {
        Map<String, Report> all = new TreeMap<>();
        groups.forEach((name, g) -> all.put(name, g.report(name)));
        return all;
    }

    /** Forgets a group's counts and examples (e.g. when its candidate changes). */
    void clear(String group) {
        groups.remove(group);
    }

    /** Forgets everything. */
    void clear() {
        groups.clear();
    }

    private Group group(String name) {
        Group g = groups.get(name);
        if (g != null) {
            return g;
        }
        String key = groups.size() >= limits.maxGroups() ? OTHER : name;
        return groups.computeIfAbsent(key, k -> new Group());
    }

    /** The fields of one answer; see the class comment. */
    Map<String, String> fields(ShadowResponse response) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("status", Integer.toString(response.status()));
        for (String name : HEADERS) {
            String value = response.header(name);
            if (value != null) {
                fields.put("header." + name, value.trim());
            }
        }
        byte[] body = response.body();
        if (looksLikeJson(response.header("Content-Type"), body)) {
            var flat = json.flatten("body", body);
            if (flat.isPresent()) {
                fields.putAll(flat.get());
                return fields;
            }
        }
        fields.put("body", body.length + " bytes " + digest(body));
        return fields;
    }

    private static boolean looksLikeJson(String contentType, byte[] body) {
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("json")) {
            return true;
        }
        for (byte b : body) {
            if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                continue;
            }
            return b == '{' || b == '[';
        }
        return false;
    }

    private static String digest(byte[] body) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(body);
            return "sha256:" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String shown(String value) {
        if (value == null) {
            return ABSENT;
        }
        return value.length() <= VALUE_CHARS ? value : value.substring(0, VALUE_CHARS - 1) + "…";
    }

    /** An answer as bounded text: status, compared headers, a blank line, the start of the body. */
    String text(ShadowResponse response) {
        StringBuilder text = new StringBuilder(128).append(response.status()).append('\n');
        for (String name : HEADERS) {
            String value = response.header(name);
            if (value != null) {
                text.append(name).append(": ").append(shown(value)).append('\n');
            }
        }
        text.append('\n');
        byte[] body = response.body();
        int kept = Math.min(body.length, limits.exampleBytes());
        text.append(decode(body, kept));
        if (kept < body.length) {
            text.append("… (").append(body.length).append(" bytes)");
        }
        return text.toString();
    }

    private static String decode(byte[] body, int length) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(body, 0, length))
                    .toString();
        } catch (CharacterCodingException e) {
            return "(" + length + " bytes, not text)";
        }
    }

    private record Texts(String primary, String secondary, String candidate) {}

    /** The counts of one group. */
    private final class Group {
        final AtomicLong compared = new AtomicLong();
        final ConcurrentHashMap<String, Field> fields = new ConcurrentHashMap<>();

        Field field(String path, int maxPaths) {
            Field f = fields.get(path);
            if (f != null) {
                return f;
            }
            String key = fields.size() >= maxPaths ? OTHER : path;
            return fields.computeIfAbsent(key, k -> new Field());
        }

        Report report(String name) {
            List<FieldReport> reports = new ArrayList<>();
            List<Map.Entry<String, Field>> snapshot = new ArrayList<>(fields.entrySet());
            List<long[]> counts = new ArrayList<>();
            List<List<Example>> examples = new ArrayList<>();
            for (Map.Entry<String, Field> entry : snapshot) {
                Field f = entry.getValue();
                synchronized (f) {
                    counts.add(new long[] {f.raw, f.noise});
                    examples.add(List.copyOf(f.examples));
                }
            }
            // read after the fields: every difference counted is in a request already counted
            long total = compared.get();
            for (int i = 0; i < snapshot.size(); i++) {
                long raw = counts.get(i)[0];
                long noise = counts.get(i)[1];
                reports.add(new FieldReport(
                        snapshot.get(i).getKey(),
                        total,
                        raw,
                        noise,
                        NoiseRule.relativeDifference(raw, noise),
                        NoiseRule.absoluteDifference(raw, noise, total),
                        rule.isDifference(raw, noise, total),
                        examples.get(i)));
            }
            reports.sort(Comparator.comparing((FieldReport f) -> !f.difference())
                    .thenComparing(FieldReport::raw, Comparator.reverseOrder())
                    .thenComparing(FieldReport::path));
            return new Report(name, total, List.copyOf(reports));
        }
    }

    /** The counts and last examples of one field path. */
    private static final class Field {
        long raw;
        long noise;
        final ArrayDeque<Example> examples = new ArrayDeque<>();

        synchronized void add(boolean isRaw, boolean isNoise, Example example, int keep) {
            if (isRaw) {
                raw++;
            }
            if (isNoise) {
                noise++;
            }
            if (example != null) {
                if (examples.size() >= keep) {
                    examples.removeFirst();
                }
                examples.addLast(example);
            }
        }
    }
}
