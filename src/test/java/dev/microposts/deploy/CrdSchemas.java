package dev.microposts.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * The operators' published CRDs (vendored under {@code src/test/resources/crds}, their sources
 * named in {@code SOURCES.md}), and a check of a custom resource against the {@code openAPIV3Schema}
 * of its version: the keywords of a structural schema that constrain a value, with unknown fields
 * as errors (the API server prunes them, or refuses them with strict field validation). CEL rules
 * ({@code x-kubernetes-validations}) and {@code format} are not evaluated.
 */
final class CrdSchemas {

    static final List<String> FILES = List.of(
            "postgresql.cnpg.io_clusters.yaml",
            "strimzi-040-Crd-kafka.yaml",
            "strimzi-043-Crd-kafkatopic.yaml",
            "strimzi-045-Crd-kafkanodepool.yaml");

    /** "group/version kind" to the schema of that version. */
    private final Map<String, Map<String, Object>> schemas = new HashMap<>();

    private CrdSchemas() {}

    static CrdSchemas load() {
        CrdSchemas crds = new CrdSchemas();
        for (String file : FILES) {
            try (InputStream in = CrdSchemas.class.getResourceAsStream("/crds/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("missing test resource crds/" + file);
                }
                for (Object document : new Yaml().loadAll(in)) {
                    if (document instanceof Map<?, ?> crd && "CustomResourceDefinition".equals(crd.get("kind"))) {
                        crds.add(map(crd.get("spec")));
                    }
                }
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return crds;
    }

    private void add(Map<String, Object> spec) {
        String group = (String) spec.get("group");
        String kind = (String) map(spec.get("names")).get("kind");
        for (Object version : (List<?>) spec.get("versions")) {
            Map<String, Object> v = map(version);
            if (Boolean.TRUE.equals(v.get("served"))) {
                schemas.put(
                        group + "/" + v.get("name") + " " + kind,
                        map(map(v.get("schema")).get("openAPIV3Schema")));
            }
        }
    }

    boolean knows(String apiVersion) {
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        return schemas.keySet().stream().anyMatch(key -> key.startsWith(group + "/"));
    }

    /** The errors of {@code resource} against the schema of its apiVersion and kind. */
    List<String> validate(Map<String, Object> resource) {
        String key = resource.get("apiVersion") + " " + resource.get("kind");
        Map<String, Object> schema = schemas.get(key);
        List<String> errors = new ArrayList<>();
        if (schema == null) {
            errors.add(key + ": no served version of a vendored CRD defines it");
            return errors;
        }
        Map<String, Object> rest = new HashMap<>(resource);
        // the API server checks metadata itself (ObjectMeta): so does the caller
        rest.remove("metadata");
        Map<String, Object> rootSchema = new HashMap<>(schema);
        Map<String, Object> properties = new HashMap<>(map(schema.get("properties")));
        properties.remove("metadata");
        rootSchema.put("properties", properties);
        if (schema.get("required") instanceof List<?> required) {
            rootSchema.put(
                    "required",
                    required.stream().filter(r -> !"metadata".equals(r)).toList());
        }
        check(rest, rootSchema, key, errors);
        return errors;
    }

    private static void check(Object value, Map<String, Object> schema, String path, List<String> errors) {
        if (value == null) {
            if (!Boolean.TRUE.equals(schema.get("nullable"))) {
                errors.add(path + ": null");
            }
            return;
        }
        if (Boolean.TRUE.equals(schema.get("x-kubernetes-int-or-string"))) {
            if (!(value instanceof Integer || value instanceof Long || value instanceof String)) {
                errors.add(path + ": " + value + " is neither an integer nor a string");
            }
        } else if (schema.get("type") instanceof String type && !hasType(value, type)) {
            errors.add(path + ": " + describe(value) + " where the schema wants " + type);
            return;
        }
        if (schema.get("enum") instanceof List<?> allowed && !allowed.contains(value)) {
            errors.add(path + ": " + value + " is not one of " + allowed);
        }
        if (value instanceof String text) {
            if (schema.get("pattern") instanceof String pattern
                    && !Pattern.compile(pattern).matcher(text).find()) {
                errors.add(path + ": " + text + " does not match " + pattern);
            }
            if (schema.get("minLength") instanceof Number min && text.length() < min.intValue()) {
                errors.add(path + ": shorter than " + min);
            }
            if (schema.get("maxLength") instanceof Number max && text.length() > max.intValue()) {
                errors.add(path + ": longer than " + max);
            }
        }
        if (value instanceof Number number) {
            BigDecimal decimal = new BigDecimal(number.toString());
            if (schema.get("minimum") instanceof Number min && decimal.compareTo(new BigDecimal(min.toString())) < 0) {
                errors.add(path + ": " + number + " is below the minimum " + min);
            }
            if (schema.get("maximum") instanceof Number max && decimal.compareTo(new BigDecimal(max.toString())) > 0) {
                errors.add(path + ": " + number + " is above the maximum " + max);
            }
        }
        if (schema.get("anyOf") instanceof List<?> anyOf) {
            long matching = anyOf.stream()
                    .filter(option -> {
                        List<String> own = new ArrayList<>();
                        check(value, map(option), path, own);
                        return own.isEmpty();
                    })
                    .count();
            if (matching == 0) {
                errors.add(path + ": matches none of anyOf " + anyOf);
            }
        }
        if (schema.get("oneOf") instanceof List<?> oneOf) {
            long matching = oneOf.stream()
                    .filter(option -> {
                        List<String> own = new ArrayList<>();
                        check(value, map(option), path, own);
                        return own.isEmpty();
                    })
                    .count();
            if (matching != 1) {
                errors.add(path + ": matches " + matching + " of oneOf " + oneOf + ", not exactly one");
            }
        }
        if (value instanceof Map<?, ?> object) {
            Map<String, Object> properties = schema.get("properties") instanceof Map<?, ?> p ? map(p) : Map.of();
            if (schema.get("required") instanceof List<?> required) {
                for (Object name : required) {
                    if (!object.containsKey(name)) {
                        errors.add(path + ": " + name + " is required");
                    }
                }
            }
            Object additional = schema.get("additionalProperties");
            boolean open = Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"))
                    || Boolean.TRUE.equals(additional);
            for (Map.Entry<?, ?> field : object.entrySet()) {
                String name = String.valueOf(field.getKey());
                String fieldPath = path + "." + name;
                if (properties.containsKey(name)) {
                    check(field.getValue(), map(properties.get(name)), fieldPath, errors);
                } else if (additional instanceof Map<?, ?> valueSchema) {
                    check(field.getValue(), map(valueSchema), fieldPath, errors);
                } else if (!open) {
                    errors.add(fieldPath + ": unknown field");
                }
            }
        }
        if (value instanceof List<?> list) {
            if (schema.get("minItems") instanceof Number min && list.size() < min.intValue()) {
                errors.add(path + ": fewer than " + min + " items");
            }
            if (schema.get("items") instanceof Map<?, ?> items) {
                for (int i = 0; i < list.size(); i++) {
                    check(list.get(i), map(items), path + "[" + i + "]", errors);
                }
            }
        }
    }

    private static boolean hasType(Object value, String type) {
        return switch (type) {
            case "object" -> value instanceof Map;
            case "array" -> value instanceof List;
            case "string" -> value instanceof String;
            case "boolean" -> value instanceof Boolean;
            case "integer" ->
                value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger;
            case "number" -> value instanceof Number;
            default -> true;
        };
    }

    private static String describe(Object value) {
        return value.getClass().getSimpleName() + " " + value;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }
}
