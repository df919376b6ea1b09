package dev.microposts.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Resolves {@code MICROPOSTS_DATA_DIR} (default {@code ./data}) to an absolute directory, creates
 * it, and offers it as {@code microposts.data-dir-absolute} for the embedded database's URL (H2
 * refuses implicitly relative paths).
 */
public class DataDirectory implements EnvironmentPostProcessor {

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String configured = environment.getProperty("MICROPOSTS_DATA_DIR",
				environment.getProperty("microposts.data-dir", "./data"));
		Path directory = Path.of(configured).toAbsolutePath().normalize();
		try {
			Files.createDirectories(directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("MICROPOSTS_DATA_DIR " + directory + " cannot be created", ex);
		}
		environment.getPropertySources().addLast(new MapPropertySource("micropostsDataDirectory",
				Map.of("microposts.data-dir-absolute", directory.toString().replace('\\', '/'))));
	}
}
