package dev.microposts.deploy;

import static dev.microposts.deploy.CrdSchemas.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.topology.SettingsCheck;
import dev.microposts.platform.topology.TopologyEnvironment;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.Yaml;

/**
 * The Helm chart ({@code deploy/helm/microposts}), checked without a cluster: for its defaults and
 * every example values file it lints (strict) and renders with Helm itself (helm-java, the Helm
 * library in-process); every rendered object reads into the Kubernetes model (fabric8) with no
 * field the model does not know; the CloudNativePG and Strimzi resources satisfy the operators'
 * published CRD schemas ({@link CrdSchemas}); and our own rules hold: probes, limits and a non-root
 * security context on every container, Services that select their Deployment, one image tag, a
 * grace period that covers the preStop pause and the server's shutdown, and a topology whose
 * processes, URLs, databases, topics and network policies agree with the code's module graph;
 * every {@code MICROPOSTS_*} variable a container sets (env, envFrom ConfigMaps and Secrets) is a
 * setting of the service by its own list ({@link SettingsCheck#unknownVariables}), and each
 * container's environment passes the service's own checks at start ({@link TopologyEnvironment#check}).
 */
class HelmChartTests {

    static final Path CHART = Path.of("deploy/helm/microposts");
    static final String KUBE_VERSION = "1.31.0";
    static final String RELEASE = "microposts";

    private static final JsonMapper KUBERNETES = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
    private static final CrdSchemas CRDS = CrdSchemas.load();

    /** The chart's defaults (no file) and every example values file. */
    static Stream<String> valuesFiles() throws IOException {
        try (Stream<Path> files = Files.list(CHART.resolve("examples"))) {
            List<String> names = files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".yaml"))
                    .sorted()
                    .collect(Collectors.toList());
            assertThat(names).contains("monolith.yaml", "microservices.yaml", "migration.yaml");
            names.add(0, "values.yaml");
            return names.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void lintsStrictly(String valuesFile, @TempDir Path copy) throws IOException {
        // helm-java's lint takes no values file: lint a copy of the chart whose defaults are the
        // chart's values with the example's on top, as Helm would merge them
        copyChart(copy);
        Map<String, Object> values = yaml(CHART.resolve("values.yaml"));
        if (!valuesFile.equals("values.yaml")) {
            values = merge(values, yaml(CHART.resolve("examples").resolve(valuesFile)));
        }
        Files.writeString(copy.resolve("values.yaml"), new Yaml().dump(values));
        LintResult lint = new Helm(copy).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void rendersObjectsThatTheKubernetesModelAndTheOperatorsSchemasAccept(String valuesFile) {
        List<Map<String, Object>> objects = render(valuesFile);
        assertThat(objects).isNotEmpty();
        List<String> errors = new ArrayList<>();
        for (Map<String, Object> object : objects) {
            errors.addAll(validate(object));
        }
        assertThat(errors).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void everyContainerHasProbesLimitsAndRunsUnprivileged(String valuesFile) {
        Rendered rendered = new Rendered(render(valuesFile));
        assertThat(rendered.deployments()).isNotEmpty();
        for (Deployment deployment : rendered.deployments()) {
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            String name = deployment.getMetadata().getName();
            PodSecurityContext podSecurity = pod.getSecurityContext();
            for (Container container : pod.getContainers()) {
                String where = name + "/" + container.getName();
                assertThat(container.getStartupProbe())
                        .as(where + " startupProbe")
                        .isNotNull();
                assertThat(container.getLivenessProbe())
                        .as(where + " livenessProbe")
                        .isNotNull();
                assertThat(container.getReadinessProbe())
                        .as(where + " readinessProbe")
                        .isNotNull();
                assertThat(container.getReadinessProbe().getHttpGet().getPath())
                        .isEqualTo("/actuator/health/readiness");
                assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
                assertThat(container.getResources().getRequests()).as(where).containsKeys("cpu", "memory");
                assertThat(container.getResources().getLimits()).as(where).containsKeys("cpu", "memory");
                var security = container.getSecurityContext();
                assertThat(security).as(where + " securityContext").isNotNull();
                boolean nonRoot = Boolean.TRUE.equals(security.getRunAsNonRoot())
                        || (podSecurity != null && Boolean.TRUE.equals(podSecurity.getRunAsNonRoot()));
                assertThat(nonRoot).as(where + " runAsNonRoot").isTrue();
                Long user = security.getRunAsUser() != null
                        ? security.getRunAsUser()
                        : podSecurity == null ? null : podSecurity.getRunAsUser();
                assertThat(user).as(where + " runAsUser").isNotNull().isNotZero();
                assertThat(security.getAllowPrivilegeEscalation()).as(where).isFalse();
                assertThat(security.getCapabilities().getDrop()).as(where).contains("ALL");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void everyDeploymentHasAServiceThatSelectsItsPodsAndWhatScalesOrProtectsIt(String valuesFile) {
        Rendered rendered = new Rendered(render(valuesFile));
        for (Deployment deployment : rendered.deployments()) {
            String name = deployment.getMetadata().getName();
            Map<String, String> podLabels =
                    deployment.getSpec().getTemplate().getMetadata().getLabels();
            Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
            assertThat(podLabels).as(name + ": its selector selects its pods").containsAllEntriesOf(selector);
            Service service = rendered.one(Service.class, name);
            assertThat(service.getSpec().getSelector())
                    .as(name + ": its Service's selector")
                    .isEqualTo(selector);
            Set<String> containerPorts = deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                    .flatMap(c -> c.getPorts().stream())
                    .map(p -> p.getName())
                    .collect(Collectors.toSet());
            for (ServicePort port : service.getSpec().getPorts()) {
                assertThat(containerPorts)
                        .as(name + ": Service port " + port.getName())
                        .contains(port.getTargetPort().getStrVal());
            }
            // no other Deployment's pods are selected by this Service
            for (Deployment other : rendered.deployments()) {
                if (other != deployment) {
                    boolean selected = other.getSpec()
                            .getTemplate()
                            .getMetadata()
                            .getLabels()
                            .entrySet()
                            .containsAll(selector.entrySet());
                    assertThat(selected)
                            .as(service.getMetadata().getName() + " selects "
                                    + other.getMetadata().getName())
                            .isFalse();
                }
            }
            assertThat(rendered.one(PodDisruptionBudget.class, name)
                            .getSpec()
                            .getSelector()
                            .getMatchLabels())
                    .isEqualTo(selector);
            List<HorizontalPodAutoscaler> hpas = rendered.all(HorizontalPodAutoscaler.class).stream()
                    .filter(h -> h.getSpec().getScaleTargetRef().getName().equals(name))
                    .toList();
            boolean ownsVolume = deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
                    .anyMatch(v -> v.getPersistentVolumeClaim() != null);
            if (ownsVolume) {
                // one pod owns a ReadWriteOnce volume: nothing may scale it
                assertThat(hpas).as(name).isEmpty();
                assertThat(deployment.getSpec().getReplicas()).as(name).isEqualTo(1);
                assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
            } else if (deployment.getSpec().getReplicas() != null) {
                // autoscaling turned off for it (the extracted process held at 0 pods until its
                // data is copied): its replicas are the values', and nothing else scales it
                assertThat(hpas).as(name).isEmpty();
            } else {
                assertThat(hpas).as(name + ": its HorizontalPodAutoscaler").hasSize(1);
                assertThat(deployment.getSpec().getReplicas())
                        .as(name + ": replicas are the HPA's")
                        .isNull();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void theImageIsOneValue(String valuesFile) {
        Rendered rendered = new Rendered(render(valuesFile));
        Set<String> images =
                rendered.containers().stream().map(Container::getImage).collect(Collectors.toSet());
        assertThat(images).hasSize(1);

        Rendered retagged = new Rendered(render(valuesFile, Map.of("image.tag", "9.9.9-test")));
        Set<String> retaggedImages =
                retagged.containers().stream().map(Container::getImage).collect(Collectors.toSet());
        assertThat(retaggedImages).hasSize(1);
        assertThat(retaggedImages.iterator().next()).endsWith(":9.9.9-test");
        assertThat(retagged.deployments())
                .allSatisfy(d -> assertThat(d.getMetadata().getLabels())
                        .containsEntry("app.kubernetes.io/version", "9.9.9-test"));
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void theGracePeriodCoversThePreStopPauseAndTheServersShutdown(String valuesFile) {
        Rendered rendered = new Rendered(render(valuesFile));
        for (Deployment deployment : rendered.deployments()) {
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            Map<String, String> env = rendered.environment(deployment);
            long serverTimeout = seconds(env.get("SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE"));
            for (Container container : pod.getContainers()) {
                long preStop = container.getLifecycle().getPreStop().getSleep().getSeconds();
                assertThat(preStop).isPositive();
                assertThat(pod.getTerminationGracePeriodSeconds())
                        .as(deployment.getMetadata().getName() + ": grace period")
                        .isGreaterThan(preStop + serverTimeout);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void theProcessesFormTheTopologyTheModuleGraphNeeds(String valuesFile) {
        Rendered rendered = new Rendered(render(valuesFile));
        Map<String, Deployment> byModule = new LinkedHashMap<>();
        // a module being extracted runs in its own process too (that one counts here), while the
        // process that extracts it is still the one the others call
        Map<String, Deployment> extractedFrom = new LinkedHashMap<>();
        for (Deployment deployment : rendered.deployments()) {
            String extracting = rendered.environment(deployment).get("MICROPOSTS_EXTRACTING");
            if (extracting != null) {
                extractedFrom.put(extracting, deployment);
            }
            for (ModuleId module : rendered.modules(deployment)) {
                if (module == ModuleId.ROUTER || module.id().equals(extracting)) {
                    continue;
                }
                assertThat(byModule.put(module.id(), deployment))
                        .as(module + " runs in one process only")
                        .isNull();
            }
        }
        assertThat(byModule.keySet()).containsExactlyInAnyOrderElementsOf(ids(ModuleId.BUSINESS));
        boolean kafka = rendered.deployments().size() > 1;

        for (Deployment deployment : rendered.deployments()) {
            String name = deployment.getMetadata().getName();
            Map<String, String> env = rendered.environment(deployment);
            Set<ModuleId> local = rendered.modules(deployment);
            Set<String> secretEnv =
                    deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                            .filter(e ->
                                    e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                            .map(EnvVar::getName)
                            .collect(Collectors.toSet());
            // every module called from here that runs elsewhere is named by a URL of its Service
            Set<ModuleId> calls = new TreeSet<>();
            local.forEach(m -> calls.addAll(m.calls()));
            calls.removeAll(local);
            for (ModuleId callee : calls) {
                String url = env.get(callee.urlVariable());
                assertThat(url).as(name + ": " + callee.urlVariable()).isNotNull();
                Deployment target = extractedFrom.getOrDefault(callee.id(), byModule.get(callee.id()));
                assertThat(url).isEqualTo("http://" + target.getMetadata().getName() + ":8080");
                rendered.one(Service.class, target.getMetadata().getName());
                // the callee's NetworkPolicy lets this process in
                assertThat(rendered.allowedFrom(target))
                        .as(target.getMetadata().getName() + " is reachable from " + name)
                        .contains(deployment.getSpec().getSelector().getMatchLabels());
            }
            boolean router = local.contains(ModuleId.ROUTER);
            boolean distributed = !router && rendered.deployments().size() > 1;
            assertThat(secretEnv.contains("MICROPOSTS_INTERNAL_TOKEN")).as(name).isEqualTo(distributed);
            assertThat(secretEnv.contains("MICROPOSTS_JWT_PRIVATE_KEY"))
                    .as(name)
                    .isEqualTo(local.contains(ModuleId.ACCOUNTS));
            assertThat(secretEnv.contains("MICROPOSTS_ROUTER_ADMIN_TOKEN"))
                    .as(name)
                    .isEqualTo(router);
            if (router) {
                for (ModuleId module : ModuleId.BUSINESS) {
                    assertThat(env).as("router: " + module.urlVariable()).containsKey(module.urlVariable());
                }
                assertThat(env).doesNotContainKey("MICROPOSTS_DB_URL");
            } else {
                // its own PostgreSQL cluster, and the operator's Secret for its user
                String url = env.get("MICROPOSTS_DB_URL");
                assertThat(url).as(name).matches("jdbc:postgresql://[a-z0-9-]+-rw:5432/app");
                String cluster = url.substring("jdbc:postgresql://".length(), url.indexOf("-rw:"));
                assertThat(rendered.crd("Cluster", cluster))
                        .as(name + ": its database cluster")
                        .isNotNull();
                assertThat(secretRef(deployment, "MICROPOSTS_DB_USER")).isEqualTo(cluster + "-app");
                assertThat(secretRef(deployment, "MICROPOSTS_DB_PASSWORD")).isEqualTo(cluster + "-app");
            }
            if (kafka && !router) {
                String bootstrap = env.get("MICROPOSTS_KAFKA_BOOTSTRAP");
                assertThat(bootstrap).as(name).endsWith("-kafka-bootstrap:9092");
                String cluster = bootstrap.substring(0, bootstrap.indexOf("-kafka-bootstrap"));
                assertThat(rendered.crd("Kafka", cluster)).isNotNull();
                // each replica its own consumer: the pod's name
                assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                                .filter(e -> e.getName().equals("MICROPOSTS_KAFKA_INSTANCE"))
                                .map(e -> e.getValueFrom().getFieldRef().getFieldPath()))
                        .as(name + ": MICROPOSTS_KAFKA_INSTANCE")
                        .containsExactly("metadata.name");
            } else {
                assertThat(env).doesNotContainKey("MICROPOSTS_KAFKA_BOOTSTRAP");
            }
        }
        Set<String> topics = rendered.crds("KafkaTopic").stream()
                .map(t -> (String) map(t.get("spec")).get("topicName"))
                .collect(Collectors.toSet());
        if (kafka) {
            for (ModuleId module : ModuleId.BUSINESS) {
                if (module.publishesEvents()) {
                    assertThat(topics).contains(module.topic(), module.topic() + ".parked");
                }
            }
        } else {
            assertThat(topics).isEmpty();
            assertThat(rendered.crds("Kafka")).isEmpty();
        }
    }

    @Test
    void anExtractionUnderWayRunsTheModuleInBothProcessesOnLogicalReplication() {
        Rendered rendered = new Rendered(render("extracting.yaml"));
        Deployment monolith = rendered.one(Deployment.class, RELEASE + "-monolith");
        Deployment timeline = rendered.one(Deployment.class, RELEASE + "-timeline");
        Deployment router = rendered.one(Deployment.class, RELEASE + "-router");
        // the monolith runs every module, the timeline among them while it is extracted
        assertThat(rendered.modules(monolith)).containsExactlyInAnyOrderElementsOf(ModuleId.BUSINESS);
        assertThat(rendered.environment(monolith)).containsEntry("MICROPOSTS_EXTRACTING", "timeline");
        assertThat(rendered.modules(timeline)).containsExactly(ModuleId.TIMELINE);
        assertThat(timeline.getSpec().getReplicas())
                .as("no timeline pod before copy")
                .isZero();
        assertThat(rendered.environment(timeline)).doesNotContainKey("MICROPOSTS_EXTRACTING");
        // every route starts on the monolith; the router may be sent to the timeline's process
        for (ModuleId module : ModuleId.BUSINESS) {
            assertThat(rendered.environment(router))
                    .containsEntry(module.urlVariable(), "http://" + RELEASE + "-monolith:8080");
        }
        assertThat(rendered.allowedFrom(timeline))
                .contains(router.getSpec().getSelector().getMatchLabels());
        // both databases replicate logically, with a superuser for the subscriptions
        for (String cluster : List.of(RELEASE + "-monolith-db", RELEASE + "-timeline-db")) {
            Map<String, Object> spec = map(rendered.crd("Cluster", cluster).get("spec"));
            assertThat(spec).as(cluster).containsEntry("enableSuperuserAccess", true);
            assertThat(map(map(spec.get("postgresql")).get("parameters")))
                    .as(cluster)
                    .containsEntry("wal_level", "logical");
        }
        // the upgrade that complete --restart runs: the monolith without it, the databases unchanged
        // (the replication back runs until complete ends, after the upgrade)
        Rendered after = new Rendered(render("extracting.yaml", Map.of("migration.phase", "extracted")));
        assertThat(after.modules(after.one(Deployment.class, RELEASE + "-monolith")))
                .doesNotContain(ModuleId.TIMELINE);
        assertThat(after.environment(after.one(Deployment.class, RELEASE + "-monolith")))
                .doesNotContainKey("MICROPOSTS_EXTRACTING");
        for (String cluster : List.of(RELEASE + "-monolith-db", RELEASE + "-timeline-db")) {
            assertThat(after.crd("Cluster", cluster).get("spec"))
                    .as(cluster)
                    .isEqualTo(rendered.crd("Cluster", cluster).get("spec"));
        }
        assertThatThrownBy(() -> render("extracting.yaml", Map.of("migration.phase", "halfway")))
                .hasMessageContaining("migration.phase must be extracting or extracted");
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void onlyTheEntryPointIsReachableFromOutside(String valuesFile) {
        Rendered rendered = new Rendered(render(valuesFile));
        Ingress ingress = rendered.all(Ingress.class).get(0);
        String entry = ingress.getSpec()
                .getRules()
                .get(0)
                .getHttp()
                .getPaths()
                .get(0)
                .getBackend()
                .getService()
                .getName();
        Deployment entryDeployment = rendered.one(Deployment.class, entry);
        boolean routed = rendered.deployments().size() > 1;
        assertThat(rendered.modules(entryDeployment).contains(ModuleId.ROUTER)).isEqualTo(routed);
        for (Deployment deployment : rendered.deployments()) {
            NetworkPolicy policy =
                    rendered.one(NetworkPolicy.class, deployment.getMetadata().getName());
            assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                    .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
            assertThat(policy.getSpec().getPolicyTypes()).contains("Ingress");
            for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
                Set<String> ports = rule.getPorts().stream()
                        .map(p -> p.getPort().getStrVal())
                        .collect(Collectors.toSet());
                assertThat(ports).as("the router's admin port is never opened").doesNotContain("admin");
                if (rule.getFrom() == null || rule.getFrom().isEmpty()) {
                    assertThat(deployment.getMetadata().getName())
                            .as("open to everyone")
                            .isEqualTo(entry);
                    assertThat(ports).containsExactly("http");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void setsOnlySettingsTheServiceKnows(String valuesFile) {
        // every way the chart sets a variable rendered: its ConfigMaps, the env of its containers,
        // the Secret it makes when asked to, and a setting passed through processDefaults.env
        Rendered rendered = new Rendered(render(valuesFile, everySource()));
        Map<String, Set<String>> variables = rendered.variables();
        assertThat(variables).isNotEmpty();
        assertThat(variables.values()).allSatisfy(names -> assertThat(names).contains("MICROPOSTS_DB_POOL_SIZE"));
        assertThat(unknownSettings(rendered))
                .as("variables the service refuses or ignores (name: the setting nearest to it)")
                .isEmpty();
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void everyProcessPassesTheServicesOwnChecksAtStart(String valuesFile) {
        // each container's environment as the kubelet gives it, through the same checks the
        // service runs before it starts: known settings, the URL of every module called elsewhere,
        // Kafka for events produced elsewhere, the internal token where processes call each other
        Rendered rendered = new Rendered(render(valuesFile, everySource()));
        assertThat(rendered.environments()).hasSameSizeAs(rendered.containers());
        assertThat(refusedAtStart(rendered)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"monolith.yaml", "microservices.yaml"})
    void refusesAnEnvValueThatRepeatsAVariableTheChartSetsItself(String valuesFile) {
        // a key twice in a ConfigMap's data is a duplicate YAML key, and a ConfigMap key the
        // container's env also sets is ignored: every variable the chart sets, for one process
        // that has it, is refused in that process's env
        Map<String, String> processOf = new TreeMap<>();
        new Rendered(render(valuesFile)).environments().forEach((where, env) -> env.keySet()
                .forEach(name ->
                        processOf.putIfAbsent(name, where.substring((RELEASE + "-").length(), where.indexOf('/')))));
        assertThat(processOf).containsKeys("SERVER_PORT", "MICROPOSTS_DB_URL", "MICROPOSTS_JWT_PRIVATE_KEY");
        processOf.forEach((name, process) -> assertThatThrownBy(
                        () -> render(valuesFile, Map.of("processes." + process + ".env." + name, "x")))
                .as(process + ": " + name)
                .hasMessageContaining("processes." + process + ".env (or processDefaults.env) sets " + name
                        + ", which the chart sets itself"));
    }

    @Test
    void theSettingsRulesCatchAMisspeltVariableWhereverItIsSetAndAMissingOne() {
        // through the chart: a misspelt setting passed to one process
        Rendered misspelt = new Rendered(
                render("microservices.yaml", Map.of("processes.timeline.env.MICROPOSTS_KAFKA_SESION_TIMEOUT", "20s")));
        assertThat(unknownSettings(misspelt))
                .containsOnlyKeys("microposts-timeline/microposts: MICROPOSTS_KAFKA_SESION_TIMEOUT")
                .containsValue("MICROPOSTS_KAFKA_SESSION_TIMEOUT");
        assertThat(refusedAtStart(misspelt))
                .containsOnlyKeys("microposts-timeline/microposts")
                .hasEntrySatisfying("microposts-timeline/microposts", m -> assertThat(m)
                        .startsWith("MICROPOSTS_KAFKA_SESION_TIMEOUT is not a MicroPosts setting; "
                                + "did you mean MICROPOSTS_KAFKA_SESSION_TIMEOUT?"));

        // every place a variable can come from: env, envFrom a ConfigMap (with a prefix, too) or a
        // Secret, an init container; a launcher script's variable is no setting in the image
        Rendered everywhere = new Rendered(objects("""
                        apiVersion: v1
                        kind: ConfigMap
                        metadata: {name: settings}
                        data: {MICROPOSTS_KAFKA_BOOTSTRAPP: "kafka:9092", MICROPOSTS_MODULES_0: accounts}
                        ---
                        apiVersion: v1
                        kind: ConfigMap
                        metadata: {name: prefixed}
                        data: {DB_URL: "jdbc:postgresql://db/app", DB_URI: "jdbc:postgresql://db/app"}
                        ---
                        apiVersion: v1
                        kind: Secret
                        metadata: {name: secrets}
                        stringData: {MICROPOSTS_INTERNAL_TOKN: "0123456789abcdef0123456789abcdef"}
                        ---
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata: {name: x}
                        spec:
                          selector: {matchLabels: {a: b}}
                          template:
                            metadata: {labels: {a: b}}
                            spec:
                              initContainers:
                                - {name: init, image: i, env: [{name: MICROPOSTS_JAVA_OPTS, value: -Xmx1g}]}
                              containers:
                                - name: c
                                  image: i
                                  envFrom:
                                    - configMapRef: {name: settings}
                                    - {prefix: MICROPOSTS_, configMapRef: {name: prefixed}}
                                    - secretRef: {name: secrets}
                                  env:
                                    - {name: MICROPOSTS_DB_POOL_SIZE, value: "5"}
                                    - name: MICROPOSTS_ROUTER_ADMIN_TOKN
                                      valueFrom: {secretKeyRef: {name: elsewhere, key: token}}
                        """));
        assertThat(unknownSettings(everywhere))
                .containsOnlyKeys(
                        "x/init: MICROPOSTS_JAVA_OPTS",
                        "x/c: MICROPOSTS_KAFKA_BOOTSTRAPP",
                        "x/c: MICROPOSTS_DB_URI",
                        "x/c: MICROPOSTS_INTERNAL_TOKN",
                        "x/c: MICROPOSTS_ROUTER_ADMIN_TOKN")
                .containsEntry("x/c: MICROPOSTS_KAFKA_BOOTSTRAPP", "MICROPOSTS_KAFKA_BOOTSTRAP")
                .containsEntry("x/c: MICROPOSTS_ROUTER_ADMIN_TOKN", "MICROPOSTS_ROUTER_ADMIN_TOKEN");

        // a required setting missing: the URL of a module called elsewhere, the internal token
        Rendered missing = new Rendered(objects("""
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata: {name: timeline}
                        spec:
                          selector: {matchLabels: {a: b}}
                          template:
                            metadata: {labels: {a: b}}
                            spec:
                              containers:
                                - name: c
                                  image: i
                                  env: [{name: MICROPOSTS_MODULES, value: timeline}]
                        ---
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata: {name: accounts}
                        spec:
                          selector: {matchLabels: {a: c}}
                          template:
                            metadata: {labels: {a: c}}
                            spec:
                              containers:
                                - name: c
                                  image: i
                                  env: [{name: MICROPOSTS_MODULES, value: accounts}]
                        """));
        assertThat(refusedAtStart(missing))
                .containsOnlyKeys("timeline/c", "accounts/c")
                .hasEntrySatisfying("timeline/c", m -> assertThat(m).startsWith("MICROPOSTS_ACCOUNTS_URL is not set"))
                .hasEntrySatisfying(
                        "accounts/c", m -> assertThat(m).startsWith("MICROPOSTS_INTERNAL_TOKEN is not set"));
    }

    @Test
    void refusesAnUnknownTopologyOrExtractedModule() {
        assertThatThrownBy(() -> render("values.yaml", Map.of("topology", "distributed")))
                .hasMessageContaining("topology must be monolith, microservices or migration");
        assertThatThrownBy(() -> render("migration.yaml", Map.of("migration.extracted", "router")))
                .hasMessageContaining("migration.extracted must be one of accounts, posts, social, timeline");
    }

    @Test
    void makesTheSecretOnlyFromValuesGivenAtInstallTime() {
        assertThatThrownBy(() -> render("microservices.yaml", Map.of("secrets.create", "true")))
                .hasMessageContaining("secrets.jwtPrivateKey");
        Rendered rendered = new Rendered(render(
                "microservices.yaml",
                Map.of(
                        "secrets.create", "true",
                        "secrets.jwtPrivateKey", "key",
                        "secrets.internalToken", "internal",
                        "secrets.routerAdminToken", "admin")));
        Map<String, Object> secret = rendered.objects.stream()
                .filter(o -> "Secret".equals(o.get("kind")))
                .findFirst()
                .orElseThrow();
        assertThat(map(secret.get("stringData")).keySet())
                .containsExactlyInAnyOrder("jwt-private-key", "internal-token", "router-admin-token");
        String name = (String) map(secret.get("metadata")).get("name");
        for (Deployment deployment : rendered.deployments()) {
            deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                    .filter(e -> e.getName().startsWith("MICROPOSTS_")
                            && !e.getName().startsWith("MICROPOSTS_DB_"))
                    .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                    .forEach(e -> assertThat(e.getValueFrom().getSecretKeyRef().getName())
                            .isEqualTo(name));
        }
        assertThat(new Rendered(render("microservices.yaml")).objects).noneMatch(o -> "Secret".equals(o.get("kind")));
    }

    @Test
    void theChecksThemselvesCatchUnknownFieldsAndSchemaViolations() {
        Map<String, Object> deployment = new Yaml().load("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  replica: 2
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers: [{name: c, image: i, livenessProbe: {httpGet: {path: /, port: 80}, periodSecond: 5}}]
                """);
        assertThat(validate(deployment))
                .anySatisfy(e -> assertThat(e).contains("replica"))
                .anySatisfy(e -> assertThat(e).contains("periodSecond"));
        Map<String, Object> typed = new Yaml().load("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec: {replicas: "two"}
                """);
        assertThat(validate(typed)).isNotEmpty();
        Map<String, Object> cluster = new Yaml().load("""
                apiVersion: postgresql.cnpg.io/v1
                kind: Cluster
                metadata: {name: x}
                spec: {instance: 3, storage: {size: 1Gi}}
                """);
        assertThat(validate(cluster))
                .anySatisfy(e -> assertThat(e).contains("instances is required"))
                .anySatisfy(e -> assertThat(e).contains("spec.instance: unknown field"));
        Map<String, Object> kafka = new Yaml().load("""
                apiVersion: kafka.strimzi.io/v1
                kind: Kafka
                metadata: {name: x}
                spec: {kafka: {listeners: [{name: plain, port: 9092, type: public, tls: false}]}}
                """);
        assertThat(validate(kafka)).anySatisfy(e -> assertThat(e).contains("public is not one of"));
        Map<String, Object> oldApi = new Yaml().load("""
                apiVersion: kafka.strimzi.io/v1beta1
                kind: Kafka
                metadata: {name: x}
                spec: {}
                """);
        assertThat(validate(oldApi)).anySatisfy(e -> assertThat(e).contains("no served version"));
        Map<String, Object> unknownKind = new Yaml().load("""
                apiVersion: example.dev/v1
                kind: Thing
                metadata: {name: x}
                """);
        assertThat(validate(unknownKind)).isNotEmpty();
    }

    // ---------------------------------------------------------------------------------------------

    static List<Map<String, Object>> render(String valuesFile) {
        return render(valuesFile, Map.of());
    }

    static List<Map<String, Object>> render(String valuesFile, Map<String, String> set) {
        TemplateCommand template = new Helm(CHART)
                .template()
                .withName(RELEASE)
                .withNamespace("microposts")
                .withKubeVersion(KUBE_VERSION);
        if (!valuesFile.equals("values.yaml")) {
            template = template.withValuesFile(CHART.resolve("examples").resolve(valuesFile));
        }
        for (Map.Entry<String, String> value : set.entrySet()) {
            template = template.set(value.getKey(), value.getValue());
        }
        return objects(template.call());
    }

    /** The objects of a multi-document YAML manifest. */
    static List<Map<String, Object>> objects(String manifest) {
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object document : new Yaml().loadAll(manifest)) {
            if (document != null) {
                objects.add(map(document));
            }
        }
        return objects;
    }

    /**
     * Values that render every way the chart sets a variable: the Secret made by the chart (envFrom
     * or secretKeyRef, whichever it uses) and a setting through {@code processDefaults.env}.
     */
    static Map<String, String> everySource() {
        return Map.of(
                "secrets.create", "true",
                "secrets.jwtPrivateKey", "key",
                "secrets.internalToken", "0123456789abcdef0123456789abcdef",
                "secrets.routerAdminToken", "0123456789abcdef0123456789abcdef",
                "processDefaults.env.MICROPOSTS_DB_POOL_SIZE", "5");
    }

    /**
     * Each {@code MICROPOSTS_*} variable a rendered container sets that is no setting of the service
     * (as {@code workload/container: NAME}), with the setting nearest to it: the list is the
     * service's own ({@link SettingsCheck#unknownVariables}), the configuration metadata the build
     * generates from its {@code @ConfigurationProperties}.
     */
    static Map<String, String> unknownSettings(Rendered rendered) {
        Map<String, String> unknown = new TreeMap<>();
        rendered.variables().forEach((where, names) -> SettingsCheck.unknownVariables(names)
                .forEach((name, nearest) -> unknown.put(where + ": " + name, nearest)));
        return unknown;
    }

    /**
     * What the service's checks at start ({@link TopologyEnvironment#check}) refuse in each rendered
     * container's environment ({@link Rendered#environments}), by {@code workload/container}.
     */
    static Map<String, String> refusedAtStart(Rendered rendered) {
        Map<String, String> refused = new TreeMap<>();
        rendered.environments().forEach((where, variables) -> {
            StandardEnvironment environment = new StandardEnvironment();
            MutablePropertySources sources = environment.getPropertySources();
            sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
            sources.replace(
                    StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                    new SystemEnvironmentPropertySource(
                            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.copyOf(variables)));
            try {
                TopologyEnvironment.check(environment);
            } catch (RuntimeException ex) {
                refused.put(where, String.valueOf(ex.getMessage()));
            }
        });
        return refused;
    }

    /** The errors of one rendered object: the Kubernetes model's, or its operator's CRD schema's. */
    static List<String> validate(Map<String, Object> object) {
        String apiVersion = String.valueOf(object.get("apiVersion"));
        String where = object.get("kind") + " " + (object.get("metadata") instanceof Map<?, ?> m ? m.get("name") : "?");
        List<String> errors = new ArrayList<>();
        try {
            if (CRDS.knows(apiVersion)) {
                errors.addAll(CRDS.validate(object));
                ObjectMeta metadata = KUBERNETES.convertValue(object.get("metadata"), ObjectMeta.class);
                unknownFields(metadata, where + ".metadata", errors, 0);
            } else {
                KubernetesResource resource = KUBERNETES.convertValue(object, KubernetesResource.class);
                if (resource instanceof GenericKubernetesResource || !(resource instanceof HasMetadata)) {
                    errors.add(where + ": " + apiVersion + " is no kind the Kubernetes model knows");
                } else {
                    unknownFields(resource, where, errors, 0);
                }
            }
        } catch (IllegalArgumentException ex) {
            errors.add(where + ": " + ex.getMessage());
        }
        return errors;
    }

    /** Every field the model did not know is kept in an additionalProperties map: there must be none. */
    private static void unknownFields(Object value, String path, List<String> errors, int depth) {
        if (value == null || depth > 40) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, errors, depth + 1));
            return;
        }
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                unknownFields(item, path + "[" + i++ + "]", errors, depth + 1);
            }
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            String name = getter.getName();
            if (getter.getParameterCount() != 0
                    || getter.getDeclaringClass() == Object.class
                    || !(name.startsWith("get") && name.length() > 3)) {
                continue;
            }
            Object field;
            try {
                field = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException ex) {
                continue;
            }
            if (name.equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    errors.add(path + ": unknown fields " + extra.keySet());
                }
            } else {
                unknownFields(
                        field,
                        path + "." + Character.toLowerCase(name.charAt(3)) + name.substring(4),
                        errors,
                        depth + 1);
            }
        }
    }

    private static String secretRef(Deployment deployment, String variable) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals(variable))
                .map(e -> e.getValueFrom().getSecretKeyRef().getName())
                .findFirst()
                .orElse(null);
    }

    private static long seconds(String duration) {
        assertThat(duration).matches("[0-9]+s");
        return Long.parseLong(duration.substring(0, duration.length() - 1));
    }

    private static Set<String> ids(Set<ModuleId> modules) {
        return modules.stream().map(ModuleId::id).collect(Collectors.toSet());
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        return map(new Yaml().load(Files.readString(file)));
    }

    /** Helm's merge of a values file over the defaults: maps merge, everything else replaces. */
    private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        over.forEach((key, value) -> {
            if (value instanceof Map<?, ?> overMap && merged.get(key) instanceof Map<?, ?> baseMap) {
                merged.put(key, merge(map(baseMap), map(overMap)));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    private static void copyChart(Path target) throws IOException {
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path file : files.toList()) {
                Path to = target.resolve(CHART.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to);
                }
            }
        }
    }

    /** The rendered objects of one values file, read into the model. */
    static final class Rendered {

        final List<Map<String, Object>> objects;
        private final List<HasMetadata> typed = new ArrayList<>();

        Rendered(List<Map<String, Object>> objects) {
            this.objects = objects;
            for (Map<String, Object> object : objects) {
                if (!CRDS.knows(String.valueOf(object.get("apiVersion")))) {
                    typed.add(KUBERNETES.convertValue(object, HasMetadata.class));
                }
            }
        }

        <T extends HasMetadata> List<T> all(Class<T> type) {
            return typed.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T extends HasMetadata> T one(Class<T> type, String name) {
            List<T> named = all(type).stream()
                    .filter(o -> o.getMetadata().getName().equals(name))
                    .toList();
            assertThat(named).as(type.getSimpleName() + " " + name).hasSize(1);
            return named.get(0);
        }

        List<Deployment> deployments() {
            return all(Deployment.class);
        }

        List<Container> containers() {
            return deployments().stream()
                    .flatMap(d -> d.getSpec().getTemplate().getSpec().getContainers().stream())
                    .toList();
        }

        /** The settings a Deployment's container gets from its ConfigMaps. */
        Map<String, String> environment(Deployment deployment) {
            Map<String, String> env = new LinkedHashMap<>();
            for (Container container :
                    deployment.getSpec().getTemplate().getSpec().getContainers()) {
                container.getEnvFrom().stream()
                        .filter(from -> from.getConfigMapRef() != null)
                        .forEach(from -> env.putAll(
                                one(ConfigMap.class, from.getConfigMapRef().getName())
                                        .getData()));
            }
            return env;
        }

        /**
         * The pod specs of every workload, by name: Deployments, StatefulSets, DaemonSets (a Job
         * would need the batch model, which the tests do not have: {@link #validate} refuses it).
         */
        Map<String, PodSpec> pods() {
            Map<String, PodSpec> pods = new TreeMap<>();
            all(Deployment.class)
                    .forEach(w -> pods.put(
                            w.getMetadata().getName(), w.getSpec().getTemplate().getSpec()));
            all(StatefulSet.class)
                    .forEach(w -> pods.put(
                            w.getMetadata().getName(), w.getSpec().getTemplate().getSpec()));
            all(DaemonSet.class)
                    .forEach(w -> pods.put(
                            w.getMetadata().getName(), w.getSpec().getTemplate().getSpec()));
            return pods;
        }

        /** Every container and init container of every workload, as {@code workload/container}. */
        Map<String, Container> allContainers() {
            Map<String, Container> containers = new TreeMap<>();
            pods().forEach((name, pod) -> Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream())
                    .forEach(c -> containers.put(name + "/" + c.getName(), c)));
            return containers;
        }

        /**
         * The names of the variables each container sets, by {@code workload/container}: its env,
         * and the keys (with the prefix) of the ConfigMaps and Secrets of its envFrom. A ConfigMap
         * must be rendered here; a Secret that is not (made with kubectl) adds no names.
         */
        Map<String, Set<String>> variables() {
            Map<String, Set<String>> variables = new TreeMap<>();
            environments().forEach((where, env) -> variables.put(where, new TreeSet<>(env.keySet())));
            return variables;
        }

        /**
         * The environment each container starts with, by {@code workload/container}, as the
         * kubelet makes it: envFrom in order, then env over it. A value from a Secret this chart
         * does not render is a placeholder as long as a token must be; a pod field is the pod's
         * name or the field's path.
         */
        Map<String, Map<String, String>> environments() {
            Map<String, Map<String, String>> environments = new TreeMap<>();
            allContainers().forEach((where, container) -> {
                Map<String, String> env = new LinkedHashMap<>();
                for (EnvFromSource from : container.getEnvFrom()) {
                    String prefix = from.getPrefix() == null ? "" : from.getPrefix();
                    Map<String, String> values = from.getConfigMapRef() != null
                            ? configMap(from.getConfigMapRef().getName())
                            : secret(from.getSecretRef().getName());
                    values.forEach((key, value) -> env.put(prefix + key, value));
                }
                for (EnvVar variable : container.getEnv()) {
                    env.put(variable.getName(), value(variable, where));
                }
                environments.put(where, env);
            });
            return environments;
        }

        private String value(EnvVar variable, String where) {
            EnvVarSource from = variable.getValueFrom();
            if (from == null) {
                return variable.getValue() == null ? "" : variable.getValue();
            }
            if (from.getConfigMapKeyRef() != null) {
                String value = configMap(from.getConfigMapKeyRef().getName())
                        .get(from.getConfigMapKeyRef().getKey());
                assertThat(value).as(where + ": " + variable.getName()).isNotNull();
                return value;
            }
            if (from.getSecretKeyRef() != null) {
                String value = secret(from.getSecretKeyRef().getName())
                        .get(from.getSecretKeyRef().getKey());
                return value != null ? value : "placeholder-of-a-secret-value-0123456789abcdef";
            }
            if (from.getFieldRef() != null) {
                String field = from.getFieldRef().getFieldPath();
                return field.equals("metadata.name") ? where.substring(0, where.indexOf('/')) + "-7d4b9c-x2x4z" : field;
            }
            return "";
        }

        private Map<String, String> configMap(String name) {
            ConfigMap configMap = one(ConfigMap.class, name);
            return configMap.getData() == null ? Map.of() : configMap.getData();
        }

        /** A rendered Secret's values (stringData over data, as the API server merges them), or none. */
        private Map<String, String> secret(String name) {
            Map<String, String> values = new LinkedHashMap<>();
            all(Secret.class).stream()
                    .filter(s -> s.getMetadata().getName().equals(name))
                    .forEach(s -> {
                        if (s.getData() != null) {
                            s.getData()
                                    .forEach((k, v) -> values.put(
                                            k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
                        }
                        if (s.getStringData() != null) {
                            values.putAll(s.getStringData());
                        }
                    });
            return values;
        }

        /** The modules a Deployment runs (MICROPOSTS_MODULES; the default is every business module). */
        Set<ModuleId> modules(Deployment deployment) {
            String modules = environment(deployment).get("MICROPOSTS_MODULES");
            if (modules == null) {
                return Set.copyOf(ModuleId.BUSINESS);
            }
            return Arrays.stream(modules.split(","))
                    .map(id -> ModuleId.of(id.strip()).orElseThrow(() -> new AssertionError("unknown module " + id)))
                    .collect(Collectors.toSet());
        }

        /** The pod labels the NetworkPolicy of a Deployment lets in on its public port. */
        List<Map<String, String>> allowedFrom(Deployment deployment) {
            NetworkPolicy policy =
                    one(NetworkPolicy.class, deployment.getMetadata().getName());
            return policy.getSpec().getIngress().stream()
                    .filter(rule -> rule.getPorts().stream()
                            .anyMatch(p -> "http".equals(p.getPort().getStrVal())))
                    .flatMap(rule -> rule.getFrom().stream())
                    .map(NetworkPolicyPeer::getPodSelector)
                    .filter(Objects::nonNull)
                    .map(s -> s.getMatchLabels())
                    .toList();
        }

        List<Map<String, Object>> crds(String kind) {
            return objects.stream()
                    .filter(o -> kind.equals(o.get("kind")) && CRDS.knows(String.valueOf(o.get("apiVersion"))))
                    .toList();
        }

        Map<String, Object> crd(String kind, String name) {
            return crds(kind).stream()
                    .filter(o -> name.equals(map(o.get("metadata")).get("name")))
                    .findFirst()
                    .orElse(null);
        }
    }
}
