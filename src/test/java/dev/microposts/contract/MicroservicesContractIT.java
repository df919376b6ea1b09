package dev.microposts.contract;

import dev.microposts.support.Topologies;

/**
 * The same contract, unchanged, against the microservices topology: accounts, posts, social and
 * timeline in their own JVMs with their own PostgreSQL databases, events over a real Kafka
 * broker, everything behind the router.
 */
class MicroservicesContractIT extends ContractTests {

    @Override
    protected Api api() {
        return new Api(Topologies.microservices().publicUrl());
    }
}
