package dev.microposts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * The module seams: the build fails when a module reaches into another's internals or when the
 * dependency graph gets a cycle. Also writes the module documentation to target/spring-modulith-docs.
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
	void writesDocumentation() {
		new Documenter(modules).writeDocumentation().writeIndividualModulesAsPlantUml().writeModuleCanvases();
	}

	private java.util.List<String> dependencies(String module) {
		var target = modules.getModuleByName(module).orElseThrow();
		return target.getDirectDependencies(modules).uniqueModules().map(ApplicationModule::getIdentifier)
				.map(Object::toString).distinct().toList();
	}
}
