package dev.microposts.web;

import dev.microposts.support.Topologies;

/**
 * The same journey against the microservices topology: the router serves the client at {@code /}
 * itself and routes its API calls to the four module processes (each with its own PostgreSQL
 * database, events over Kafka).
 */
class MicroservicesWebClientIT extends WebClientJourney {

    @Override
    protected String baseUrl() {
        return Topologies.microservices().publicUrl();
    }

    @Override
    protected String topology() {
        return "microservices";
    }
}
