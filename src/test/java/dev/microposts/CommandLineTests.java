package dev.microposts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The jar's first argument, as an operator types it, in a process of its own (the command exits
 * the JVM): a mistyped command is refused with the list of commands and never starts the service;
 * help lists them.
 */
class CommandLineTests {

    record Exit(int status, String out, String err) {}

    private static Exit java(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                MicroPostsApplication.class.getName(),
                // were the service started after all, it would not take a port another test uses
                "--server.port=0"));
        command.addAll(4, List.of(args)); // right after the class name: the first argument is the command
        Process process = new ProcessBuilder(command).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(List.of(args) + " is still running after 60 s: the service started");
        }
        return new Exit(
                process.exitValue(),
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void aMistypedCommandIsRefusedWithTheListOfCommandsAndStartsNothing() throws Exception {
        for (String typo : List.of("routr", "migrat", "topolgy")) {
            Exit exit = java(typo, "show");
            assertThat(exit.status()).as(typo + ": " + exit.err()).isEqualTo(2);
            assertThat(exit.err()).contains("'" + typo + "' is not a command", "usage:", "migrate <module> <step>");
            assertThat(exit.out()).doesNotContain("Started MicroPostsApplication");
        }
    }

    @Test
    void helpListsTheCommandsAndTopologyRefusesAnUnknownOption() throws Exception {
        Exit help = java("--help");
        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("usage:", "router <command>", "db export");

        Exit topology = java("topology", "--bogus");
        assertThat(topology.status()).isEqualTo(2);
        assertThat(topology.err()).contains("takes no argument but --modules");
    }
}
