package dev.switchyard.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every overlay renders, every object is valid Kubernetes, and the rendered output keeps the house rules. */
class ManifestsTest {

  static final String[] OVERLAYS = {"harvester", "mayastor", "vitastor", "local"};

  @ParameterizedTest
  @ValueSource(strings = {"harvester", "mayastor", "vitastor", "local"})
  void everyObjectIsValidKubernetes(String overlay) throws Exception {
    Rendered r = Rendered.of(overlay);
    assertThat(r.objects()).extracting(HasMetadata::getKind)
        .contains("Namespace", "Deployment", "StatefulSet", "Service", "Role", "RoleBinding", "ServiceAccount",
            "PodDisruptionBudget", "ConfigMap", "NetworkPolicy");
    for (HasMetadata o : r.objects()) {
      // Strict: the model keeps fields it does not know aside; a typo or a field in the wrong place lands there.
      List<String> unknown = new ArrayList<>();
      unknownFields(o, o.getKind() + "/" + o.getMetadata().getName(), unknown, new IdentityHashMap<>());
      assertThat(unknown).as("%s: fields the Kubernetes API does not have", overlay).isEmpty();
      assertThat(o.getMetadata().getNamespace() == null || o.getMetadata().getNamespace().equals("payment-switch"))
          .as("namespace of %s", o.getMetadata().getName()).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"harvester", "mayastor", "vitastor", "local"})
  void networkPoliciesLetInOnlyWhoNeedsEachPort(String overlay) throws Exception {
    Rendered r = Rendered.of(overlay);
    NetworkPolicy deny = r.one(NetworkPolicy.class, "default-deny-ingress");
    assertThat(deny.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
    assertThat(deny.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(deny.getSpec().getIngress()).isNullOrEmpty();
    // Each port of each app, and who may reach it: pods by app label, namespaces by name, or address ranges.
    Map<String, java.util.Set<String>> allowed = new java.util.TreeMap<>();
    for (NetworkPolicy p : r.all(NetworkPolicy.class)) {
      String app = p.getSpec().getPodSelector().getMatchLabels() == null ? "*"
          : p.getSpec().getPodSelector().getMatchLabels().get("app");
      for (NetworkPolicyIngressRule rule : p.getSpec().getIngress() == null ? List.<NetworkPolicyIngressRule>of()
          : p.getSpec().getIngress()) {
        assertThat(rule.getPorts()).as("%s: a rule without ports opens every port", p.getMetadata().getName())
            .isNotEmpty();
        for (NetworkPolicyPort port : rule.getPorts()) {
          for (NetworkPolicyPeer peer : rule.getFrom()) {
            String who = peer.getIpBlock() != null ? "cidr " + peer.getIpBlock().getCidr()
                : peer.getNamespaceSelector() != null
                    ? "namespace " + peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name")
                    : "app " + peer.getPodSelector().getMatchLabels().get("app");
            allowed.computeIfAbsent(app + ":" + port.getPort().getIntVal(), k -> new java.util.TreeSet<>()).add(who);
          }
        }
      }
    }
    String acquirers = overlay.equals("local") ? "cidr 0.0.0.0/0" : "cidr 192.0.2.0/24";
    assertThat(r.one(Service.class, "switch-gateway").getSpec().getExternalTrafficPolicy())
        .as("the acquirer's address, not a node's, reaches the policy and the failed-hello throttle")
        .isEqualTo("Local");
    // A trial cluster has no gateway certificate: it says plain TCP explicitly; the others serve TLS.
    Map<String, String> env = r.one(ConfigMap.class, "switch-config").getData();
    assertThat(env.get("SWITCH_GATEWAY_TLS")).isEqualTo(overlay.equals("local") ? "false" : null);
    assertThat(allowed).containsExactlyInAnyOrderEntriesOf(Map.of(
        "switch:7700", java.util.Set.of(acquirers),
        "switch:7626", java.util.Set.of("namespace payment-switch-operators", "app switch"),
        "switch:9095", java.util.Set.of("namespace payment-switch-operators"),
        "switch:17355", java.util.Set.of("app switch"),
        "postgres:5432", java.util.Set.of("app switch", "app quickwit"),
        "pulsar:6650", java.util.Set.of("app switch", "namespace payment-switch-operators"),
        "pulsar:8080", java.util.Set.of("app switch", "namespace payment-switch-operators"),
        "quickwit:7280", java.util.Set.of("app switch", "namespace payment-switch-operators")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"harvester", "mayastor", "vitastor", "local"})
  void theSwitchDeploymentKeepsTheRules(String overlay) throws Exception {
    Rendered r = Rendered.of(overlay);
    Deployment d = r.one(Deployment.class, "switch");
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getPorts()).extracting(ContainerPort::getName, ContainerPort::getContainerPort)
        .contains(org.assertj.core.groups.Tuple.tuple("management", 7626),
            org.assertj.core.groups.Tuple.tuple("remoting", 17355),
            org.assertj.core.groups.Tuple.tuple("gateway", 7700));
    assertProbe(c.getReadinessProbe(), "/ready");
    assertProbe(c.getLivenessProbe(), "/alive");
    assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal()).isEqualTo(1);
    assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
    // Graceful termination outlasts the gateway's drain (10 s) and the cluster leave.
    assertThat(d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isGreaterThanOrEqualTo(30);
    assertThat(d.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("switch");
    assertThat(c.getEnv()).filteredOn(e -> e.getName().equals("SWITCH_PAN_HASH_KEY") || e.getName().equals("SWITCH_DB_PASSWORD"))
        .hasSize(2).allSatisfy(e -> assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("switch-secrets"));
    // The collector is named: under the pod's memory limit the JVM would otherwise pick the serial one.
    assertThat(c.getEnv()).filteredOn(e -> e.getName().equals("JAVA_TOOL_OPTIONS")).singleElement()
        .satisfies(e -> assertThat(e.getValue().split(" ")).contains("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=25"));
    ConfigMap config = r.one(ConfigMap.class, "switch-config");
    assertThat(config.getData().get("SWITCH_CONFIG")).startsWith("kubernetes");
    if (overlay.equals("local")) {
      assertThat(d.getSpec().getReplicas()).isEqualTo(1);
      assertThat(config.getData().get("REQUIRED_CONTACT_POINT_NR")).isEqualTo("1");
    } else {
      assertThat(d.getSpec().getReplicas()).isEqualTo(3);
      assertThat(config.getData().get("REQUIRED_CONTACT_POINT_NR")).isEqualTo("3");
      assertThat(d.getSpec().getTemplate().getSpec().getTopologySpreadConstraints())
          .extracting(t -> t.getTopologyKey()).contains("topology.kubernetes.io/zone", "kubernetes.io/hostname");
      assertThat(r.one(PodDisruptionBudget.class, "switch").getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    }
    assertThat(r.one(Service.class, "switch-gateway").getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(r.one(Service.class, "switch-management").getSpec().getType()).isEqualTo("ClusterIP");
  }

  static void assertProbe(Probe probe, String path) {
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management");
  }

  @ParameterizedTest
  @ValueSource(strings = {"harvester", "mayastor", "vitastor", "local"})
  void everyContainerHasAPinnedImageRequestsAndLimits(String overlay) throws Exception {
    Rendered r = Rendered.of(overlay);
    for (PodSpec pod : pods(r).toList()) {
      for (Container c : pod.getContainers()) {
        assertThat(c.getImage()).as(c.getName()).contains(":").doesNotEndWith(":latest");
        assertThat(c.getResources().getRequests()).as("requests of " + c.getName()).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).as("limits of " + c.getName()).containsKeys("cpu", "memory");
      }
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"harvester", "mayastor", "vitastor", "local"})
  void noSecretValueIsInAConfigMap(String overlay) throws Exception {
    Rendered r = Rendered.of(overlay);
    List<String> secretValues = new ArrayList<>();
    for (Secret s : r.all(Secret.class)) {
      if (s.getData() != null) {
        s.getData().values().forEach(v -> secretValues.add(base64OrAsIs(v)));
      }
      if (s.getStringData() != null) {
        secretValues.addAll(s.getStringData().values());
      }
    }
    for (ConfigMap m : r.all(ConfigMap.class)) {
      for (Map.Entry<String, String> e : m.getData().entrySet()) {
        assertThat(e.getKey().toLowerCase()).as("ConfigMap %s key", m.getMetadata().getName())
            .doesNotContain("password").doesNotContain("secret").doesNotContain("token").doesNotContain("pan-hash");
        for (String secret : secretValues) {
          assertThat(e.getValue()).as("ConfigMap %s/%s", m.getMetadata().getName(), e.getKey()).doesNotContain(secret);
        }
        assertThat(e.getValue()).doesNotContainPattern("(?i)password\\s*[=:]").doesNotContainPattern(":[^/@\\s]+@");
      }
    }
    // Every env value that is a secret comes from a Secret.
    pods(r).flatMap(p -> p.getContainers().stream()).flatMap(c -> c.getEnv().stream())
        .filter(e -> e.getName().matches(".*(PASSWORD|SECRET|KEY|TOKEN|METASTORE_URI).*"))
        .forEach(e -> assertThat(e.getValueFrom()).as(e.getName()).isNotNull()
            .extracting(v -> v.getSecretKeyRef()).isNotNull());
  }

  @ParameterizedTest
  @ValueSource(strings = {"harvester", "mayastor", "vitastor", "local"})
  void rbacIsExactlyWhatBootstrapNeeds(String overlay) throws Exception {
    Rendered r = Rendered.of(overlay);
    List<Role> roles = r.all(Role.class);
    assertThat(roles).hasSize(1);
    assertThat(r.objects()).noneMatch(o -> o.getKind().equals("ClusterRole") || o.getKind().equals("ClusterRoleBinding"));
    List<PolicyRule> rules = roles.get(0).getRules();
    assertThat(rules).hasSize(1);
    assertThat(rules.get(0).getApiGroups()).containsExactly("");
    assertThat(rules.get(0).getResources()).containsExactly("pods");
    assertThat(rules.get(0).getVerbs()).containsExactlyInAnyOrder("get", "watch", "list");
    RoleBinding binding = r.all(RoleBinding.class).get(0);
    assertThat(binding.getRoleRef().getName()).isEqualTo(roles.get(0).getMetadata().getName());
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getName()).isEqualTo("switch");
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"harvester", "mayastor", "vitastor", "local"})
  void volumesUseTheOverlaysStorage(String overlay) throws Exception {
    Rendered r = Rendered.of(overlay);
    String expected = switch (overlay) {
      case "harvester" -> "harvester";
      case "mayastor" -> "switch-mayastor";
      case "vitastor" -> "switch-vitastor";
      default -> "local-path";
    };
    for (StatefulSet s : r.all(StatefulSet.class)) {
      assertThat(s.getSpec().getVolumeClaimTemplates()).allSatisfy(t ->
          assertThat(t.getSpec().getStorageClassName()).as(s.getMetadata().getName()).isEqualTo(expected));
    }
    switch (overlay) {
      case "mayastor" -> {
        StorageClass sc = r.one(StorageClass.class, expected);
        assertThat(sc.getProvisioner()).isEqualTo("io.openebs.csi-mayastor");
        assertThat(sc.getParameters()).containsEntry("protocol", "nvmf").containsEntry("repl", "3")
            .doesNotContainKey("ioTimeout");
      }
      case "vitastor" -> assertThat(r.one(StorageClass.class, expected).getProvisioner()).isEqualTo("csi.vitastor.io");
      case "harvester" -> assertThat(r.one(Service.class, "switch-gateway").getMetadata().getAnnotations())
          .containsEntry("cloudprovider.harvesterhci.io/ipam", "dhcp");
      default -> assertThat(r.all(Secret.class)).extracting(s -> s.getMetadata().getName())
          .contains("switch-secrets", "quickwit-secrets");
    }
    if (!overlay.equals("local")) {
      assertThat(r.all(Secret.class)).as("real deployments bring their own Secrets").isEmpty();
    }
  }

  /** Secret data is base64 on the wire; the model may already have decoded it. */
  static String base64OrAsIs(String value) {
    try {
      return new String(java.util.Base64.getDecoder().decode(value), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notBase64) {
      return value;
    }
  }

  static Stream<PodSpec> pods(Rendered r) {
    return Stream.concat(
        r.all(Deployment.class).stream().map(d -> d.getSpec().getTemplate().getSpec()),
        r.all(StatefulSet.class).stream().map(s -> s.getSpec().getTemplate().getSpec()));
  }

  /** Walks the model and collects every non-empty additionalProperties map, with where it was found. */
  static void unknownFields(Object o, String where, List<String> out, Map<Object, Boolean> seen) throws Exception {
    if (o == null || seen.put(o, true) != null) {
      return;
    }
    if (o instanceof Collection<?> list) {
      int i = 0;
      for (Object e : list) {
        unknownFields(e, where + "[" + i++ + "]", out, seen);
      }
      return;
    }
    if (o instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        unknownFields(e.getValue(), where + "." + e.getKey(), out, seen);
      }
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getName().equals("getClass")) {
        continue;
      }
      Object value = m.invoke(o);
      if (m.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          out.add(where + ": " + extra.keySet());
        }
      } else {
        unknownFields(value, where + "." + m.getName().substring(3), out, seen);
      }
    }
  }
}
