package dev.microposts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.platform.topology.ModuleId;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.sourceforge.plantuml.FileFormat;
import net.sourceforge.plantuml.FileFormatOption;
import net.sourceforge.plantuml.SourceStringReader;
import org.junit.jupiter.api.Test;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.core.DependencyType;
import org.springframework.modulith.docs.Documenter;
import org.springframework.modulith.events.Externalized;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The module seams: the build fails when a module reaches into another's internals, when the
 * dependency graph gets a cycle, or when the code and the module graph ({@link ModuleId}, which
 * the topology, the router and the launcher read) disagree: a call, an event subscription or a
 * public path added without declaring it there. Also writes the module documentation to
 * target/spring-modulith-docs.
 */
class ModularityTests {

    private final ApplicationModules modules = ApplicationModules.of(MicroPostsApplication.class);

    @Test
    void modulesOnlyUseEachOthersPublishedApis() {
        modules.verify();
    }

    @Test
    void hasTheModulesOfTheArchitecture() {
        assertThat(modules.stream().map(ApplicationModule::getIdentifier).map(Object::toString))
                .contains("accounts", "posts", "social", "timeline", "platform");
    }

    @Test
    void dependenciesPointOnlyWhereTheArchitectureAllows() {
        assertThat(dependencies("accounts")).containsOnly("platform");
        assertThat(dependencies("posts")).containsOnly("platform", "accounts");
        assertThat(dependencies("social")).containsOnly("platform", "accounts");
        assertThat(dependencies("timeline")).containsOnly("platform", "accounts", "posts", "social");
    }

    @Test
    void theModuleGraphDeclaresEveryCallTheCodeMakes() {
        for (ModuleId module : ModuleId.BUSINESS) {
            assertThat(moduleIds(module(module)
                            .getDirectDependencies(modules, DependencyType.USES_COMPONENT)
                            .uniqueModules()))
                    .as("modules whose API %s calls", module.id())
                    .isEqualTo(ids(module.calls().stream()));
        }
    }

    @Test
    void theModuleGraphDeclaresEveryEventSubscriptionTheCodeHas() {
        for (ModuleId module : ModuleId.BUSINESS) {
            Set<String> producers = module(module).getEventsListenedTo(modules).stream()
                    .map(type -> modules.getModuleByType(type)
                            .orElseThrow()
                            .getIdentifier()
                            .toString())
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(producers)
                    .as("modules whose events %s consumes", module.id())
                    .isEqualTo(ids(module.consumes().stream()));
        }
    }

    @Test
    void theModuleGraphSaysWhichModulesPublishEvents() {
        for (ModuleId module : ModuleId.BUSINESS) {
            boolean externalized =
                    module(module).getBasePackage().stream().anyMatch(type -> type.isAnnotatedWith(Externalized.class));
            assertThat(externalized)
                    .as("%s publishes events to other processes", module.id())
                    .isEqualTo(module.publishesEvents());
        }
    }

    @Test
    void everyOtherDependencyOfAModuleIsOnACalleeOrAProducerOfItsEvents() {
        for (ModuleId module : ModuleId.BUSINESS) {
            Set<String> allowed = ids(Stream.concat(module.calls().stream(), module.consumes().stream()));
            allowed.add("platform");
            assertThat(dependencies(module.id()))
                    .as("modules %s depends on", module.id())
                    .isSubsetOf(allowed);
        }
    }

    @Test
    void theModuleGraphNamesThePublicPathsEachModuleServes() {
        for (ModuleId module : ModuleId.BUSINESS) {
            Set<String> served = module(module).getBasePackage().stream()
                    .map(type -> type.reflect())
                    .filter(type -> AnnotatedElementUtils.hasAnnotation(type, RestController.class))
                    .flatMap(ModularityTests::paths)
                    .filter(path -> !path.startsWith("/internal/"))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(served).as("public paths of %s", module.id()).isEqualTo(new TreeSet<>(module.paths()));
        }
    }

    @Test
    void writesDocumentation() {
        new Documenter(modules)
                .writeDocumentation()
                .writeIndividualModulesAsPlantUml()
                .writeModuleCanvases();
    }

    /**
     * docs/modules.svg, the README's module diagram, is drawn from the code: from the diagram
     * Spring Modulith's documenter writes, laid out by PlantUML without Graphviz. When the code's
     * modules changed, the test redraws it and fails until the new drawing is committed.
     */
    @Test
    void theReadmesModuleDiagramIsDrawnFromTheCode() throws IOException {
        Path generated = Path.of("target/diagram");
        new Documenter(modules, Documenter.Options.defaults().withOutputFolder(generated.toString()))
                .writeModulesAsPlantUml();
        String source = stable(Files.readString(generated.resolve("components.puml")))
                .replaceFirst("@startuml\\R", "@startuml\n!pragma layout smetana\n");
        Path committed = Path.of("docs/modules.puml");
        if (Files.exists(committed) && Files.readString(committed).equals(source)) {
            return;
        }
        Files.writeString(committed, source);
        try (OutputStream svg = Files.newOutputStream(Path.of("docs/modules.svg"))) {
            new SourceStringReader(source).outputImage(svg, new FileFormatOption(FileFormat.SVG));
        }
        throw new AssertionError("The module diagram was out of date: docs/modules.puml and docs/modules.svg "
                + "are redrawn from the code; commit them.");
    }

    /** The documenter writes the relations in no fixed order: sorted, the same code draws the same diagram. */
    private static String stable(String source) {
        List<String> lines = source.lines().toList();
        List<String> relations =
                lines.stream().filter(line -> line.startsWith("Rel(")).sorted().toList();
        List<String> result = new ArrayList<>();
        for (String line : lines) {
            if (!line.startsWith("Rel(")) {
                result.add(line);
            } else if (result.isEmpty() || !result.get(result.size() - 1).startsWith("Rel(")) {
                result.addAll(relations);
            }
        }
        return String.join("\n", result) + "\n";
    }

    private static Stream<String> paths(Class<?> controller) {
        RequestMapping root = AnnotatedElementUtils.findMergedAnnotation(controller, RequestMapping.class);
        String prefix = root == null || root.path().length == 0 ? "" : root.path()[0];
        return Arrays.stream(controller.getDeclaredMethods())
                .flatMap(method -> mapped(method))
                .map(path -> prefix + path);
    }

    private static Stream<String> mapped(Method method) {
        RequestMapping mapping = AnnotatedElementUtils.findMergedAnnotation(method, RequestMapping.class);
        return mapping == null
                ? Stream.empty()
                : Arrays.stream(mapping.path().length == 0 ? new String[] {""} : mapping.path());
    }

    private ApplicationModule module(ModuleId module) {
        return modules.getModuleByName(module.id()).orElseThrow();
    }

    private static Set<String> moduleIds(Stream<ApplicationModule> modules) {
        return modules.map(module -> module.getIdentifier().toString())
                .filter(id -> !id.equals("platform"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> ids(Stream<ModuleId> modules) {
        return modules.map(ModuleId::id).collect(Collectors.toCollection(TreeSet::new));
    }

    private java.util.List<String> dependencies(String module) {
        var target = modules.getModuleByName(module).orElseThrow();
        return target.getDirectDependencies(modules)
                .uniqueModules()
                .map(ApplicationModule::getIdentifier)
                .map(Object::toString)
                .distinct()
                .toList();
    }
}
