package reference;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A bare Spring Cloud Gateway with one route (application.yaml): a reference for the router's hop. */
@SpringBootApplication
public class ReferenceGateway {

    public static void main(String[] args) {
        SpringApplication.run(ReferenceGateway.class, args);
    }
}
