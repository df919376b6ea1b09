package dev.microposts.router;

import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code java -jar microposts.jar router ...}: the router's admin API from the command line, with
 * readable tables. It talks to a running router (its admin port) with the admin credential from
 * {@code MICROPOSTS_ROUTER_ADMIN_TOKEN}.
 */
public final class RouterCommand {

    public static final String NAME = "router";

    private static final String USAGE = """
            usage: java -jar microposts.jar router [--url http://127.0.0.1:9080] <command>
              show                                   every route group: backends, weights, hold, shift
              add <group> <backend> <url> [weight]   adds a backend (weight 0 by default)
              remove <group> <backend>               removes a backend
              set <group> <backend>=<weight>...      sets weights (0..100, relative to their sum)
              sticky <group> on|off                  keeps each user on one backend (or not)
              hold <group> [--max 5s]                parks the group's new requests until release
              release <group>                        routes them by the table as it is now
              shadow <group> <backend>|off           copies reads to a candidate and compares them
              diffs <group>                          the shadow comparison, field by field
              writes <group> <backend>|weights       sends every write to one backend (or by weight)
              shift <group> --to <backend> [--steps 1,10,50,100] [--interval 30s]
              shift <group>                          the shift's state and the judge's decisions
              pause|resume|rollback <group>          controls a shift
              audit [n]                              the latest changes of the table
            The admin credential is read from MICROPOSTS_ROUTER_ADMIN_TOKEN; --url defaults to
            http://127.0.0.1:$MICROPOSTS_ROUTER_ADMIN_PORT (9080).
            """;

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final String url;
    private final String token;
    private final PrintStream out;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    RouterCommand(String url, String token, PrintStream out) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.token = token;
        this.out = out;
    }

    /** Runs a command; the process's exit status. */
    public static int run(List<String> arguments, Map<String, String> environment, PrintStream out, PrintStream err) {
        List<String> args = new ArrayList<>(arguments);
        String port = environment.getOrDefault("MICROPOSTS_ROUTER_ADMIN_PORT", "9080");
        String url = "http://127.0.0.1:" + port;
        if (args.size() >= 2 && args.get(0).equals("--url")) {
            url = args.get(1);
            args = args.subList(2, args.size());
        }
        if (args.isEmpty()) {
            err.print(USAGE);
            return 2;
        }
        if (args.get(0).equals("help") || args.get(0).equals("--help")) {
            out.print(USAGE);
            return 0;
        }
        String token = environment.get("MICROPOSTS_ROUTER_ADMIN_TOKEN");
        if (token == null || token.isBlank()) {
            err.println("router: set MICROPOSTS_ROUTER_ADMIN_TOKEN to the router's admin credential");
            return 2;
        }
        if (token.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            // never echoed: it is a secret
            err.println("router: MICROPOSTS_ROUTER_ADMIN_TOKEN holds a line break or another control character"
                    + " (a trailing newline, from $(cat file)?): set it to the credential alone");
            return 2;
        }
        try {
            return new RouterCommand(url, token, out).dispatch(args);
        } catch (Refused refused) {
            err.println("router: " + refused.getMessage());
            return 1;
        } catch (IllegalArgumentException usage) {
            err.println("router: " + usage.getMessage());
            err.print(USAGE);
            return 2;
        } catch (java.io.IOException | InterruptedException unreachable) {
            err.println("router: cannot reach the admin API at " + url + " ("
                    + (unreachable.getMessage() != null
                            ? unreachable.getMessage()
                            : unreachable.getClass().getSimpleName())
                    + "): is the router running, and is this its admin port (MICROPOSTS_ROUTER_ADMIN_PORT)?");
            return 1;
        }
    }

    private int dispatch(List<String> args) throws java.io.IOException, InterruptedException {
        String command = args.get(0);
        switch (command) {
            case "show" -> {
                expect(args, 1, 1);
                printTable(call("GET", "/admin/routes", null));
            }
            case "add" -> {
                expect(args, 4, 5);
                JsonNode group = call("GET", "/admin/routes/" + path(args.get(1)), null);
                ObjectNode change = changeOf(group);
                ObjectNode backend = ((ArrayNode) change.get("backends")).addObject();
                backend.put("name", args.get(2));
                backend.put("url", args.get(3));
                backend.put("weight", args.size() > 4 ? number("a weight", args.get(4)) : 0);
                printGroup(call("PUT", "/admin/routes/" + path(args.get(1)), change));
            }
            case "remove" -> {
                expect(args, 3, 3);
                JsonNode group = call("GET", "/admin/routes/" + path(args.get(1)), null);
                ObjectNode change = changeOf(group);
                ArrayNode kept = JSON.createArrayNode();
                for (JsonNode backend : change.get("backends")) {
                    if (!backend.get("name").asString().equals(args.get(2))) {
                        kept.add(backend);
                    }
                }
                if (kept.size() == change.get("backends").size()) {
                    throw new Refused("route group '" + args.get(1) + "' has no backend '" + args.get(2) + "'; it has "
                            + backends(group) + ". Nothing was changed.");
                }
                change.set("backends", kept);
                printGroup(call("PUT", "/admin/routes/" + path(args.get(1)), change));
            }
            case "set" -> {
                expect(args, 3, Integer.MAX_VALUE);
                Map<String, Integer> weights = new LinkedHashMap<>();
                for (String pair : args.subList(2, args.size())) {
                    int equals = pair.indexOf('=');
                    if (equals < 1) {
                        throw new IllegalArgumentException("weights are <backend>=<weight>, not " + pair);
                    }
                    weights.put(pair.substring(0, equals), number("a weight", pair.substring(equals + 1)));
                }
                printGroup(call("POST", "/admin/routes/" + path(args.get(1)) + "/weights", JSON.valueToTree(weights)));
            }
            case "sticky" -> {
                expect(args, 3, 3);
                JsonNode group = call("GET", "/admin/routes/" + path(args.get(1)), null);
                ObjectNode change = changeOf(group);
                change.put("sticky", onOff(args.get(2)));
                printGroup(call("PUT", "/admin/routes/" + path(args.get(1)), change));
            }
            case "hold" -> {
                expect(args, 2, 2, "--max");
                ObjectNode hold = JSON.createObjectNode();
                String max = option(args, "--max");
                if (max != null) {
                    hold.put("max", max);
                }
                printGroup(call("POST", "/admin/routes/" + path(args.get(1)) + "/hold", hold));
            }
            case "release" -> {
                expect(args, 2, 2);
                JsonNode released = call("DELETE", "/admin/routes/" + path(args.get(1)) + "/hold", null);
                out.println(
                        released.get("released").asBoolean()
                                ? "released " + args.get(1)
                                : args.get(1) + " was not held (or its hold had run out)");
            }
            case "shadow" -> {
                expect(args, 3, 3);
                if (args.get(2).equals("off")) {
                    printGroup(call("DELETE", "/admin/routes/" + path(args.get(1)) + "/shadow", null));
                } else {
                    ObjectNode shadow = JSON.createObjectNode().put("candidate", args.get(2));
                    printGroup(call("PUT", "/admin/routes/" + path(args.get(1)) + "/shadow", shadow));
                }
            }
            case "writes" -> {
                expect(args, 3, 3);
                if (args.get(2).equals("weights")) {
                    printGroup(call("DELETE", "/admin/routes/" + path(args.get(1)) + "/writes", null));
                } else {
                    ObjectNode writes = JSON.createObjectNode().put("backend", args.get(2));
                    printGroup(call("PUT", "/admin/routes/" + path(args.get(1)) + "/writes", writes));
                }
            }
            case "diffs" -> {
                expect(args, 2, 2);
                printDiffs(call("GET", "/admin/routes/" + path(args.get(1)) + "/shadow", null));
            }
            case "shift" -> {
                expect(args, 2, 2, "--to", "--steps", "--interval");
                String to = option(args, "--to");
                if (to == null) {
                    printShift(call("GET", "/admin/routes/" + path(args.get(1)) + "/shift", null));
                } else {
                    ObjectNode shift = JSON.createObjectNode().put("to", to);
                    String steps = option(args, "--steps");
                    if (steps != null) {
                        ArrayNode list = shift.putArray("steps");
                        for (String step : steps.split(",")) {
                            list.add(number("--steps takes weights separated by commas; a step", step.trim()));
                        }
                    }
                    String interval = option(args, "--interval");
                    if (interval != null) {
                        shift.put("interval", interval);
                    }
                    printShift(call("POST", "/admin/routes/" + path(args.get(1)) + "/shift", shift));
                }
            }
            case "pause", "resume", "rollback" -> {
                expect(args, 2, 2);
                printShift(call("POST", "/admin/routes/" + path(args.get(1)) + "/shift/" + command, null));
            }
            case "audit" -> {
                expect(args, 1, 2);
                int limit = args.size() > 1 ? number("audit takes a number of changes", args.get(1)) : 20;
                for (JsonNode change : call("GET", "/admin/audit?limit=" + limit, null)) {
                    out.printf(
                            "%s  %-10s %-28s by %s%n    before %s%n    after  %s%n",
                            change.path("at").asString(),
                            change.path("group").asString(),
                            change.path("action").asString(),
                            change.path("who").asString(),
                            backends(change.path("before")),
                            backends(change.path("after")));
                }
            }
            default -> throw new IllegalArgumentException("unknown command " + command);
        }
        return 0;
    }

    private JsonNode call(String method, String path, JsonNode body) throws java.io.IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .header(AdminApi.ACTOR_HEADER, actor());
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode answer;
        try {
            answer = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (tools.jackson.core.JacksonException notJson) {
            throw new Refused(response.statusCode() + " from " + url + path + ", which is not the router's admin API"
                    + " (its answer is not JSON): give the router's admin port with --url");
        }
        if (response.statusCode() >= 400) {
            StringBuilder message = new StringBuilder(response.statusCode() + " "
                    + answer.path("detail").asString(answer.path("title").asString("")));
            for (JsonNode error : answer.path("errors")) {
                message.append("\n  ")
                        .append(error.path("field").asString())
                        .append(": ")
                        .append(error.path("message").asString());
            }
            throw new Refused(message.toString());
        }
        return answer;
    }

    private void printTable(JsonNode table) {
        out.printf("route table version %s%n", table.path("version").asString());
        out.printf("%-10s %-14s %-32s %6s  %s%n", "GROUP", "BACKEND", "URL", "WEIGHT", "NOTES");
        for (JsonNode group : table.path("groups")) {
            printRows(group);
        }
    }

    private void printGroup(JsonNode group) {
        out.printf("%-10s %-14s %-32s %6s  %s%n", "GROUP", "BACKEND", "URL", "WEIGHT", "NOTES");
        printRows(group);
    }

    private void printRows(JsonNode group) {
        String name = group.path("name").asString();
        List<String> notes = new ArrayList<>();
        if (group.path("sticky").asBoolean()) {
            notes.add("sticky");
        }
        if (!group.path("shadow").isNull() && !group.path("shadow").isMissingNode()) {
            notes.add("shadow to " + group.path("shadow").asString());
        }
        if (group.path("writes").isString()) {
            notes.add("writes to " + group.path("writes").asString());
        }
        JsonNode hold = group.path("hold");
        if (hold.isObject()) {
            notes.add("HELD until " + hold.path("until").asString() + " ("
                    + hold.path("waiting").asInt() + " waiting)");
        }
        JsonNode shift = group.path("shift");
        if (shift.isObject()) {
            notes.add("shift to " + shift.path("candidate").asString() + ": "
                    + shift.path("state").asString());
        }
        boolean first = true;
        for (JsonNode backend : group.path("backends")) {
            out.printf(
                    "%-10s %-14s %-32s %6d  %s%n",
                    first ? name : "",
                    backend.path("name").asString(),
                    backend.path("url").asString(),
                    backend.path("weight").asInt(),
                    first ? String.join("; ", notes) : "");
            first = false;
        }
    }

    private void printDiffs(JsonNode report) {
        out.printf(
                "%s: %d reads compared%n",
                report.path("group").asString(), report.path("compared").asLong());
        out.printf("%-40s %9s %7s %7s  %s%n", "FIELD", "COMPARED", "RAW", "NOISE", "DIFFERENCE");
        for (JsonNode field : report.path("fields")) {
            out.printf(
                    "%-40s %9d %7d %7d  %s%n",
                    field.path("path").asString(),
                    field.path("compared").asLong(),
                    field.path("raw").asLong(),
                    field.path("noise").asLong(),
                    field.path("difference").asBoolean() ? "YES" : "noise");
        }
    }

    private void printShift(JsonNode shift) {
        out.printf(
                "shift of %s from %s to %s: %s, candidate at %d%%, steps %s every %s%n",
                shift.path("group").asString(),
                shift.path("primary").asString(),
                shift.path("candidate").asString(),
                shift.path("state").asString(),
                shift.path("candidateWeight").asInt(),
                shift.path("steps").toString(),
                shift.path("interval").asString());
        for (JsonNode step : shift.path("history")) {
            out.printf(
                    "  %s  %-8s at %3d%%  %s%n",
                    step.path("at").asString(),
                    step.path("decision").asString(),
                    step.path("candidateWeight").asInt(),
                    step.path("reason").asString());
        }
    }

    private static String backends(JsonNode group) {
        List<String> shown = new ArrayList<>();
        for (JsonNode backend : group.path("backends")) {
            shown.add(backend.path("name").asString() + "="
                    + backend.path("weight").asInt());
        }
        String notes = group.path("sticky").asBoolean() ? " sticky" : "";
        if (group.path("shadow").isString()) {
            notes += " shadow:" + group.path("shadow").asString();
        }
        if (group.path("writes").isString()) {
            notes += " writes:" + group.path("writes").asString();
        }
        return shown + notes;
    }

    private static ObjectNode changeOf(JsonNode group) {
        ObjectNode change = JSON.createObjectNode();
        change.set("backends", group.path("backends").deepCopy());
        change.put("sticky", group.path("sticky").asBoolean());
        return change;
    }

    private static boolean onOff(String value) {
        return switch (value) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> throw new IllegalArgumentException("expected on or off, not " + value);
        };
    }

    private static String option(List<String> args, String name) {
        int at = args.indexOf(name);
        if (at < 0) {
            return null;
        }
        if (at + 1 >= args.size()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args.get(at + 1);
    }

    /**
     * Checks a command's words: {@code min..max} of them (the command included) and only the given
     * options, each with its value. A misspelt or stray word is refused, never ignored: a hold
     * whose {@code --max} was misspelt would hold live traffic for the default time instead.
     */
    private static void expect(List<String> args, int min, int max, String... options) {
        int words = 0;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.startsWith("--")) {
                if (!List.of(options).contains(arg)) {
                    throw new IllegalArgumentException(args.get(0) + " has no option " + arg
                            + (options.length == 0 ? "" : " (it takes " + String.join(", ", options) + ")"));
                }
                i++; // its value
            } else {
                words++;
            }
        }
        if (words < min) {
            throw new IllegalArgumentException(args.get(0) + " needs more arguments");
        }
        if (words > max) {
            throw new IllegalArgumentException(args.get(0) + " takes at most " + (max - 1) + " argument"
                    + (max == 2 ? "" : "s") + " (and its options); '" + String.join(" ", args) + "' has more");
        }
    }

    private static int number(String what, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(what + " is a whole number, not '" + value + "'");
        }
    }

    private static String path(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String actor() {
        String user = System.getProperty("user.name", "cli").replaceAll("[^A-Za-z0-9._-]", "");
        return (user.isEmpty() ? "cli" : user) + "@cli";
    }

    /** The admin API refused a command. */
    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }
}
