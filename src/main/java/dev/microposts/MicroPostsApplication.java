package dev.microposts;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.annotation.EnableScheduling;

/** MicroPosts: one codebase that runs as a modular monolith or as microservices. */
@SpringBootApplication
@EnableAsync
@EnableScheduling
public class MicroPostsApplication {

	public static void main(String[] args) {
		SpringApplication.run(MicroPostsApplication.class, args);
	}
}
