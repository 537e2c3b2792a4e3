package dev.switchyard.k8s;

import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** An overlay rendered by `kubectl kustomize`, parsed into the Kubernetes API model. */
record Rendered(String overlay, String yaml, List<HasMetadata> objects) {

  static final Path K8S = Path.of(System.getProperty("k8s.dir", "."));
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  static Rendered of(String overlay) throws Exception {
    String yaml = kustomize(K8S.resolve("overlays").resolve(overlay));
    List<HasMetadata> objects = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      if (!doc.isBlank()) {
        objects.add(SERIALIZATION.unmarshal(doc, HasMetadata.class));
      }
    }
    return new Rendered(overlay, yaml, objects);
  }

  /** `kubectl kustomize <dir>`; skipped with the reason when kubectl is absent, failed when CI=true. */
  static String kustomize(Path dir) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      String reason = "kubectl is not installed here, so the overlays cannot be rendered: " + e.getMessage();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(reason);
      }
      Assumptions.assumeTrue(false, reason);
      throw e;
    }
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      fail("kubectl kustomize " + dir + " failed: " + new String(out, StandardCharsets.UTF_8));
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(o -> (T) o).toList();
  }

  <T extends HasMetadata> T one(Class<T> type, String name) {
    return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(overlay + ": no " + type.getSimpleName() + " " + name));
  }
}
